// Drops what a benchmark created (databases, temporary folders) when it
// exits, also after a failure or Ctrl-C.
const steps = [];
let done = false;

export function onCleanup(step) {
  steps.push(step);
}

export function runCleanup() {
  if (done) {
    return;
  }
  done = true;
  for (const step of steps.reverse()) {
    try {
      step();
    } catch (error) {
      console.error(`cleanup failed: ${error.message}`);
    }
  }
}

process.on('exit', runCleanup);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    runCleanup();
    process.exit(130);
  });
}
