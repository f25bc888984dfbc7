import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.utils.Utils;

/**
 * Prints murmur2 test vectors as the Java client computes them, as a JSON array (one key a line),
 * for libs/kafka-core's partitioner: keys of every length mod 4 (murmur2's tail cases), bytes
 * >= 0x80 (sign extension), multi-byte UTF-8, and numeric strings.
 */
public final class PartitionerVectors {
  private static final int[] PARTITION_COUNTS = {1, 3, 6, 8, 12, 100};

  private record Key(byte[] bytes, String utf8) {}

  public static void main(String[] args) {
    List<Key> keys = new ArrayList<>();
    for (String text : new String[] {
        "", "a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg", "abcdefgh", "key", "key-1",
        "hello world", "The quick brown fox jumps over the lazy dog", "user-42", "sensor-0001",
        "123e4567-e89b-12d3-a456-426614174000", " ", "\t\n", "\"quoted\\\"",
        "ключ", "🔑", "日本語", "émoji 🎉", "ñ", "Ωmega", "mixed-ключ-🔑-key",
        "x".repeat(100), "long-key-".repeat(29) + "end", "🔑".repeat(33),
    }) {
      keys.add(new Key(text.getBytes(StandardCharsets.UTF_8), text));
    }
    for (String number : new String[] {"0", "1", "2", "7", "10", "42", "99", "100", "123", "256", "500", "512", "777", "998", "999"}) {
      keys.add(new Key(number.getBytes(StandardCharsets.UTF_8), number));
    }
    for (String hex : new String[] {
        "00", "7f", "80", "ff", "0000", "feff", "ffffff", "00000000", "ffffffff", "80808080",
        "deadbeef", "0102030405060708090a", "c0ffeec0ffee", "123e4567e89b12d3a456426614174000",
    }) {
      keys.add(new Key(HexFormat.of().parseHex(hex), null));
    }
    byte[] allBytes = new byte[256];
    for (int i = 0; i < allBytes.length; i++) allBytes[i] = (byte) i;
    keys.add(new Key(allBytes, null));

    StringBuilder out = new StringBuilder("[\n");
    for (int k = 0; k < keys.size(); k++) {
      Key key = keys.get(k);
      int murmur2 = Utils.murmur2(key.bytes());
      int positive = Utils.toPositive(murmur2);
      out.append("  {\"keyHex\": \"").append(HexFormat.of().formatHex(key.bytes())).append("\", \"keyUtf8\": ")
          .append(key.utf8() == null ? "null" : jsonString(key.utf8()))
          .append(", \"murmur2\": ").append(murmur2).append(", \"positive\": ").append(positive)
          .append(", \"partitions\": {");
      for (int p = 0; p < PARTITION_COUNTS.length; p++) {
        int n = PARTITION_COUNTS[p];
        int partition = positive % n;
        // The producer's own code path must agree with the formula the fixture documents.
        if (BuiltInPartitioner.partitionForKey(key.bytes(), n) != partition) {
          throw new IllegalStateException("BuiltInPartitioner disagrees for key " + HexFormat.of().formatHex(key.bytes()));
        }
        out.append(p == 0 ? "" : ", ").append('"').append(n).append("\": ").append(partition);
      }
      out.append("}}").append(k == keys.size() - 1 ? "\n" : ",\n");
    }
    out.append("]\n");
    System.out.write(out.toString().getBytes(StandardCharsets.UTF_8), 0, out.toString().getBytes(StandardCharsets.UTF_8).length);
    System.out.flush();
  }

  private static String jsonString(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        case '\r' -> b.append("\\r");
        default -> {
          if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
        }
      }
    }
    return b.append('"').toString();
  }
}
