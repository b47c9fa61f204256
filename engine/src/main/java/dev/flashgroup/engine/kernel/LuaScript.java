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
 * Loads a script from {@code lua/} once, at start-up, and hashes it there. The text on the class
 * path is what the build assembled: {@code lua/lib/shared.lua} followed by the script (see
 * {@code lua/SCHEMA.md}), so the SHA-1 is fixed with the jar. A {@code RedisScript}
 * built on a resource would re-check the file (blocking I/O) on every call, on the event loop; the
 * one {@code RedisScript.of(text)} builds takes a lock around its hash on every call, which parks
 * event-loop threads when many requests run the same script at once. This one is immutable: it
 * runs by EVALSHA, falling back to EVAL after a SCRIPT FLUSH, without locking.
 */
public final class LuaScript {

  private LuaScript() {}

  public static <T> RedisScript<T> load(String name, Class<T> resultType) {
    String text = text(name);
    return new Hashed<>(text, sha1(text), resultType);
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  public static RedisScript<List<String>> loadList(String name) {
    return (RedisScript) load(name, List.class);
  }

  private record Hashed<T>(String text, String sha1, Class<T> resultType) implements RedisScript<T> {

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
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every Java platform", e);
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
