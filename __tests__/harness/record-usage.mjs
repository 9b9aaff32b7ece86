// Preloaded with `node --import` for npm run bench: when the process exits, its resource
// usage (process.resourceUsage(), maxRSS in kilobytes) is written as JSON to the file
// named by RECORD_USAGE.
import { writeFileSync } from 'node:fs';

const file = process.env.RECORD_USAGE;
if (file) process.on('exit', () => writeFileSync(file, JSON.stringify(process.resourceUsage())));
