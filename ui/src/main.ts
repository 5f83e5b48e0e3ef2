import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { markDashboardIfMounted, markStart } from './lib/startup';
import { startFromPage } from './lib/app.svelte';
import { router } from './lib/router.svelte';
import { parseRoute } from './routes';

markStart('script-running');

const target = document.getElementById('app');
// The session comes in the page; without it, it is asked for while the page finishes loading.
startFromPage(parseRoute(router.hash).name === 'home');
if (target) mount(App, { target });
markDashboardIfMounted();
