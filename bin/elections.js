#!/usr/bin/env node
// The `elections` command. The project is TypeScript run through tsx's loader, so a fresh clone
// needs no build step: `npm install && npm start`.
import { register } from 'tsx/esm/api'

register()
await import('./elections.ts')
