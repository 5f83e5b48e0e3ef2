import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { markStart } from './lib/startup';

markStart('script-running');

const target = document.getElementById('app');
if (target) mount(App, { target });
