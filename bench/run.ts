/** `npm run bench`: every benchmark in this folder — the plan, then the resolve stage. */
import './plan.js';
import './resolve.js';
