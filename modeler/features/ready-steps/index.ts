import ContextModule from '../context/index.js';
import ReadyStepsPaletteProvider from './ReadyStepsPaletteProvider.js';

/** Ready-made automated steps (notify the citizen, …) in the palette. */
export default {
  __depends__: [ContextModule],
  __init__: ['readyStepsPaletteProvider'],
  readyStepsPaletteProvider: ['type', ReadyStepsPaletteProvider],
};
