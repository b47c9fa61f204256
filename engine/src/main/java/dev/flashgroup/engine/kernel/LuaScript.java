package dev.flashgroup.engine.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Loads a script from {@code lua/} once, at start-up. A {@code RedisScript} built on a resource
 * would re-check the file (blocking I/O) on every call, on the event loop; one built on the text
 * only hashes it once and runs by EVALSHA, falling back to EVAL after a SCRIPT FLUSH. Not even
 * Spring's {@code DefaultRedisScript} for that: its {@code getSha1()} takes a lock on every call,
 * and two event-loop threads asking at once park on it (BlockHound caught it in a test).
 */
public final class LuaScript {

  private LuaScript() {}

  public static <T> RedisScript<T> load(String name, Class<T> resultType) {
    return new Loaded<>(text(name), resultType);
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  public static RedisScript<List<String>> loadList(String name) {
    return (RedisScript) new Loaded<>(text(name), List.class);
  }

  /** A script's text and its SHA-1, computed once: nothing to lock when a call asks for them. */
  private static final class Loaded<T> implements RedisScript<T> {

    private final String text;
    private final String sha1;
    private final Class<T> resultType;

    Loaded(String text, Class<T> resultType) {
      this.text = text;
      this.sha1 = sha1(text);
      this.resultType = resultType;
    }

    @Override
    public String getSha1() {
      return sha1;
    }

    @Override
    public Class<T> getResultType() {
      return resultType;
    }

    @Override
    public String getScriptAsString() {
      return text;
    }

    private static String sha1(String text) {
      try {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("no SHA-1 in this JVM", e);
      }
    }
  }

  private static String text(String name) {
    try {
      return new ClassPathResource("lua/" + name + ".lua").getContentAsString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("missing Lua script lua/" + name + ".lua", e);
    }
  }
}
