// Readiness probe for kafka.sh: polls until kafkajs (the client the project uses) can fetch
// cluster metadata. Plain ESM so it runs without a build, and far quicker than a JVM probe
// (decision 0013). Exit: 0 ready, 1 timed out, 2 broker process exited, 4 no kafkajs.
// Usage: node broker-ready.mjs <host:port> <timeoutMs> [pid]
const [bootstrap, timeoutArg, pidArg] = process.argv.slice(2);
const deadline = Date.now() + Number(timeoutArg);
const pid = pidArg ? Number(pidArg) : undefined;

let kafkajs;
try {
  kafkajs = await import('kafkajs');
} catch {
  process.exit(4);
}
const { Kafka, logLevel } = kafkajs.default ?? kafkajs;

const isAlive = (p) => {
  try {
    process.kill(p, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
};

let lastError = 'no attempt';
while (Date.now() < deadline) {
  if (pid !== undefined && !isAlive(pid)) {
    console.error(`broker process ${pid} exited before it was ready`);
    process.exit(2);
  }
  // Our own loop with no kafkajs retries: each attempt is short and the pid check stays frequent.
  const admin = new Kafka({
    clientId: 'lagscale-broker-ready',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 2_000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    const broker = cluster.brokers[0];
    if (broker) {
      console.log(`ready: cluster ${cluster.clusterId}, broker ${broker.nodeId} at ${broker.host}:${broker.port}`);
      await admin.disconnect();
      process.exit(0);
    }
    lastError = 'metadata lists no brokers yet';
  } catch (err) {
    lastError = `${err.name}: ${err.message}`;
  }
  await admin.disconnect().catch(() => {});
  await new Promise((resolve) => setTimeout(resolve, 100));
}
console.error(`timed out waiting for ${bootstrap} (last error: ${lastError})`);
process.exit(1);
