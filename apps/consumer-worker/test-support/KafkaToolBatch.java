import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.tools.consumer.group.ConsumerGroupCommand;

/**
 * Runs Kafka's own kafka-consumer-groups (ConsumerGroupCommand) once per stdin line (arguments
 * separated by tabs) in one JVM: a JVM start per invocation costs seconds of CPU each. Between
 * runs it prints "@@end <exit code>". Exit.exit is turned into an exception so that a refused
 * command ends its run, not the batch.
 */
public class KafkaToolBatch {
  static final class ToolExit extends RuntimeException {
    final int code;
    ToolExit(int code) { super("exit " + code); this.code = code; }
  }

  public static void main(String[] ignored) throws Exception {
    Exit.setExitProcedure((code, message) -> { throw new ToolExit(code); });
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.isEmpty()) continue;
      int code = 0;
      try {
        ConsumerGroupCommand.main(line.split("\t"));
      } catch (ToolExit e) {
        code = e.code;
      } catch (Throwable e) {
        System.out.println(e);
        code = 99;
      }
      System.out.flush();
      System.err.flush();
      System.out.println("@@end " + code);
      System.out.flush();
    }
    Exit.resetExitProcedure();
  }
}
