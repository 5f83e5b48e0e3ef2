import { mount } from 'svelte';
import App from './App.svelte';
import './console.css';
import { i18n } from './lib/i18n.svelte';

document.documentElement.lang = i18n.lang;

const target = document.getElementById('console');
if (target) mount(App, { target });
