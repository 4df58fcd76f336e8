#!/usr/bin/env node
// The same command for callers that name the ES module entry; pvskit.cjs starts faster.
import './pvskit.cjs';
