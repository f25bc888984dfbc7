import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;

/**
 * Waits until a broker answers a metadata request through the real Java admin client.
 * One JVM polls in a loop, because starting a CLI per attempt costs a second or two of CPU.
 *
 * Usage: BrokerReady <bootstrap> <timeoutMs> [pid]
 * Exit: 0 ready, 1 timed out, 2 the broker process (pid) exited first.
 */
public final class BrokerReady {
  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[1]));
    long pid = args.length > 2 ? Long.parseLong(args[2]) : -1;

    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "lagscale-broker-ready");
    // Short backoffs: the broker appears within seconds and every 100 ms saved counts per test run.
    props.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "100");
    props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "250");
    props.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, "100");
    props.put(AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "250");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");

    String lastError = "no attempt";
    try (Admin admin = Admin.create(props)) {
      while (System.nanoTime() < deadline) {
        if (pid > 0 && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
          System.err.println("broker process " + pid + " exited before it was ready");
          System.exit(2);
        }
        try {
          var cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000));
          var nodes = cluster.nodes().get();
          if (!nodes.isEmpty()) {
            Node node = nodes.iterator().next();
            System.out.println("ready: cluster " + cluster.clusterId().get() + ", broker "
                + node.id() + " at " + node.host() + ":" + node.port());
            System.exit(0);
          }
          lastError = "metadata lists no brokers yet";
        } catch (Exception e) {
          Throwable cause = e.getCause() != null ? e.getCause() : e;
          lastError = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        }
        Thread.sleep(100);
      }
    }
    System.err.println("timed out waiting for " + bootstrap + " (last error: " + lastError + ")");
    System.exit(1);
  }
}
