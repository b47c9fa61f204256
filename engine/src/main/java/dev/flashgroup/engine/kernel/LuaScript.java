package dev.flashgroup.engine.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Loads a script from {@code lua/} once, at start-up. A {@code RedisScript} built on a resource
 * would re-check the file (blocking I/O) on every call, on the event loop; one built on the text
 * only hashes it once and runs by EVALSHA, falling back to EVAL after a SCRIPT FLUSH.
 */
public final class LuaScript {

  private LuaScript() {}

  public static <T> RedisScript<T> load(String name, Class<T> resultType) {
    return RedisScript.of(text(name), resultType);
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  public static RedisScript<List<String>> loadList(String name) {
    return (RedisScript) RedisScript.of(text(name), List.class);
  }

  private static String text(String name) {
    try {
      return new ClassPathResource("lua/" + name + ".lua").getContentAsString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("missing Lua script lua/" + name + ".lua", e);
    }
  }
}
