/** `npm run bench`: every benchmark in this folder (today: the plan benchmark). */
import './plan.js';
