#!/usr/bin/env node
// The AWS SDK warns about Node 20 on every client it makes; floe supports Node 20 and says so itself.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const { main } = await import("../dist/cli/main.js");

process.exitCode = await main(process.argv.slice(2));
