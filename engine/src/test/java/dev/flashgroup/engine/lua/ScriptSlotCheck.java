package dev.flashgroup.engine.lua;

import dev.flashgroup.engine.kernel.LuaScript;
import dev.flashgroup.engine.support.TestRedis;
import io.lettuce.core.cluster.SlotHash;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Checks Redis Cluster's rule for scripts on what the scripts really did: every key a script
 * touched, declared in KEYS or derived in the script, hashes to the slot of the script's keys.
 * Redis 7.0 itself only refuses a key of another node, so two tags that happen to share a node
 * would pass there and fail after a resharding. While a test class runs on the test cluster,
 * {@code redis-cli monitor} on every primary records the class's commands; afterwards every
 * EVALSHA and the commands its script ran ({@code [0 lua]} lines, which follow it on its node) are
 * checked: each argument naming a key of the class's namespace must be in the script's slot
 * (PUBLISH's channel is no key). On one Redis (the main run) it watches nothing: MONITOR would
 * slow down the shared server.
 */
final class ScriptSlotCheck {

  /** Scripts whose every call was checked so far in this JVM, by name. */
  static final Set<String> CHECKED = ConcurrentHashMap.newKeySet();

  private final String namespace;
  private final List<Process> monitors = new ArrayList<>();
  private final List<Thread> readers = new ArrayList<>();
  private final Map<Integer, List<String>> lines = new ConcurrentHashMap<>();

  ScriptSlotCheck(String namespace) {
    this.namespace = namespace;
  }

  boolean active() {
    return TestRedis.cluster();
  }

  void start() {
    if (!active()) {
      return;
    }
    for (String node : TestRedis.clusterNodes()) {
      String[] hostPort = node.split(":");
      int index = monitors.size();
      List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
      lines.put(index, seen);
      try {
        Process monitor = new ProcessBuilder("redis-cli", "-h", hostPort[0], "-p", hostPort[1], "monitor")
            .redirectErrorStream(true).start();
        monitors.add(monitor);
        BufferedReader out = new BufferedReader(new InputStreamReader(monitor.getInputStream(), StandardCharsets.UTF_8));
        // Read at once: the first line is redis-cli's OK, after which MONITOR is on.
        String ok = out.readLine();
        if (!"OK".equals(ok)) {
          throw new IllegalStateException("redis-cli monitor on " + node + " answered " + ok);
        }
        Thread reader = new Thread(() -> {
          try {
            for (String line; (line = out.readLine()) != null; ) {
              if (line.contains(namespace)) {
                seen.add(line);
              }
            }
          } catch (IOException e) {
            // the monitor was stopped
          }
        }, "script-slot-monitor-" + node);
        reader.setDaemon(true);
        reader.start();
        readers.add(reader);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start redis-cli monitor on " + node, e);
      }
    }
  }

  /** Stops the monitors and answers every violation found (empty: every script stayed in its slot). */
  List<String> stopAndCheck() throws InterruptedException {
    if (!active()) {
      return List.of();
    }
    Thread.sleep(300);
    monitors.forEach(Process::destroy);
    for (Thread reader : readers) {
      reader.join(2_000);
    }
    Map<String, String> names = scriptNames();
    List<String> violations = new ArrayList<>();
    for (List<String> node : lines.values()) {
      synchronized (node) {
        check(node, names, violations);
      }
    }
    return violations;
  }

  private void check(List<String> node, Map<String, String> names, List<String> violations) {
    String script = null;
    Integer slot = null;
    for (String line : node) {
      List<String> args = arguments(line);
      if (args.isEmpty()) {
        continue;
      }
      String command = args.get(0).toUpperCase();
      if (!line.contains("[0 lua]")) {
        script = null;
        slot = null;
        if (command.equals("EVALSHA") || command.equals("EVAL")) {
          script = command.equals("EVAL") ? "EVAL" : names.getOrDefault(args.get(1), args.get(1));
          int numKeys = Integer.parseInt(args.get(2));
          for (int i = 0; i < numKeys; i++) {
            slot = same(script, slot, args.get(3 + i), violations);
          }
          if (violations.isEmpty() || !violations.get(violations.size() - 1).startsWith(script)) {
            CHECKED.add(script);
          }
        }
        continue;
      }
      if (script == null || command.equals("PUBLISH") || command.equals("SPUBLISH")) {
        continue;
      }
      for (String arg : args.subList(1, args.size())) {
        if (arg.startsWith(namespace + ":")) {
          slot = same(script, slot, arg, violations);
        }
      }
    }
  }

  private static Integer same(String script, Integer slot, String key, List<String> violations) {
    int own = SlotHash.getSlot(key);
    if (slot != null && own != slot) {
      violations.add(script + " touched " + key + " (slot " + own + ") beside keys of slot " + slot);
      CHECKED.remove(script);
    }
    return slot == null ? own : slot;
  }

  /** Each script's SHA-1 as the engine loads it, to its name. */
  private static Map<String, String> scriptNames() {
    Map<String, String> names = new HashMap<>();
    try (Stream<Path> files = Files.list(Path.of("src/main/resources/lua"))) {
      files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".lua"))
          .map(n -> n.substring(0, n.length() - 4))
          .forEach(name -> names.put(LuaScript.load(name, Object.class).getSha1(), name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return names;
  }

  /** The quoted arguments of one line of redis-cli's MONITOR output ({@code 1.2 [0 host:port] "GET" "k"}). */
  static List<String> arguments(String line) {
    List<String> args = new ArrayList<>();
    int i = line.indexOf(']');
    if (i < 0) {
      return args;
    }
    StringBuilder arg = null;
    for (i = i + 1; i < line.length(); i++) {
      char c = line.charAt(i);
      if (arg == null) {
        if (c == '"') {
          arg = new StringBuilder();
        }
      } else if (c == '\\' && i + 1 < line.length()) {
        char next = line.charAt(++i);
        if (next == 'x' && i + 2 < line.length()) {
          arg.append((char) Integer.parseInt(line.substring(i + 1, i + 3), 16));
          i += 2;
        } else {
          arg.append(switch (next) {
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            default -> next;
          });
        }
      } else if (c == '"') {
        args.add(arg.toString());
        arg = null;
      } else {
        arg.append(c);
      }
    }
    return args;
  }
}
