import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { markStart } from './lib/startup';
import { askStartState } from './lib/app.svelte';

markStart('script-running');

const target = document.getElementById('app');
// The session is read while the page finishes loading, not after.
askStartState();
if (target) mount(App, { target });
