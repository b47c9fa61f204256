package dev.flashgroup.api.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flashgroup.engine.activity.ActivityChange;
import dev.flashgroup.engine.reservation.Refusal;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/**
 * Every problem code the code base can answer with has its title in both message bundles and its
 * Chinese detail, so no client ever sees an English title in a Chinese answer. The codes are
 * found where they are written: string literals given to {@code Problems.response/detail/
 * tooManyRequests}, {@code failure(...)} and the {@code new ...Refused/...Unavailable("CODE", ...)}
 * exceptions, anywhere under api/ and engine/ (a new code needs no registration, only its bundle
 * lines: docs/problems.md); plus the codes written from an enum's names ({@link Refusal},
 * {@link ActivityChange.Reason}) and from an HTTP status' name (Spring's own errors).
 */
class ProblemCodesTest {

  private static final Pattern LITERAL = Pattern.compile("(?:\\b(?:response|detail|failure|tooManyRequests)"
      + "|new \\w+(?:Refused|Unavailable))\\s*\\(\\s*(?:HttpStatus\\.\\w+\\s*,\\s*)?\"([A-Z][A-Z0-9_]+)\"");

  @Test
  void everyCodeHasItsTitleInBothLanguagesAndItsChineseDetail() throws IOException {
    Set<String> literal = literalCodes();
    // The scan itself must keep working: it finds the codes it found when it was written, and more.
    assertThat(literal).hasSizeGreaterThanOrEqualTo(40)
        .contains("CLAIM_WINDOW_CLOSED", "CLAIM_LIMIT_REACHED", "NOT_FOUND", "UNAUTHORIZED", "LEADER_SUSPENDED");
    Set<String> codes = new TreeSet<>(literal);
    Arrays.stream(Refusal.values()).map(Enum::name).forEach(codes::add);
    Arrays.stream(ActivityChange.Reason.values()).map(Enum::name).forEach(codes::add);
    Arrays.stream(HttpStatus.values()).filter(s -> s.isError()).map(Enum::name).forEach(codes::add);

    Properties english = bundle("messages.properties");
    Properties chinese = bundle("messages_zh_CN.properties");
    assertThat(codes).allSatisfy(code -> {
      assertThat(english.getProperty("problem." + code + ".title")).as("English title of %s", code).isNotBlank();
      assertThat(chinese.getProperty("problem." + code + ".title")).as("Chinese title of %s", code).isNotBlank()
          .matches(".*\\p{IsHan}.*");
      assertThat(chinese.getProperty("problem." + code + ".detail")).as("Chinese detail of %s", code).isNotBlank()
          .matches(".*\\p{IsHan}.*");
    });
  }

  @Test
  void theBundlesNameNoCodeTwiceAndNoOtherKeys() throws IOException {
    for (String name : new String[] {"messages.properties", "messages_zh_CN.properties"}) {
      Properties bundle = bundle(name);
      assertThat(bundle.stringPropertyNames()).as(name)
          .allMatch(key -> key.matches("problem\\.[A-Z][A-Z0-9_]+\\.(title|detail)"));
      long lines = Files.readAllLines(Path.of("src/main/resources", name), StandardCharsets.UTF_8).stream()
          .filter(l -> l.startsWith("problem.")).count();
      assertThat(lines).as("%s: a key written twice", name).isEqualTo(bundle.size());
    }
  }

  private static Set<String> literalCodes() throws IOException {
    Set<String> codes = new TreeSet<>();
    for (Path root : new Path[] {Path.of("src/main/java"), Path.of("../engine/src/main/java")}) {
      try (Stream<Path> files = Files.walk(root)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          Matcher m = LITERAL.matcher(Files.readString(file));
          while (m.find()) {
            codes.add(m.group(1));
          }
        }
      }
    }
    return codes;
  }

  private static Properties bundle(String name) throws IOException {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(Path.of("src/main/resources", name), StandardCharsets.UTF_8)) {
      p.load(in);
    }
    return p;
  }
}
