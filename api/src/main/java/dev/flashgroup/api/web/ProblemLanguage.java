package dev.flashgroup.api.web;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.MessageSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;

/**
 * Puts a problem detail in the language the request asks for ({@code Accept-Language}: zh-CN or
 * en), from the message bundles {@code messages.properties} (English) and
 * {@code messages_zh_CN.properties} (Simplified Chinese), keyed by the problem's stable
 * {@code code}, which never changes with the language:
 *
 * <ul>
 *   <li>{@code problem.<CODE>.title} in both bundles: the problem's title;
 *   <li>{@code problem.<CODE>.detail} in the Chinese bundle: its detail in Chinese, shown by a
 *       mini-program as it is. It may name the problem's own properties as {@code {refundable}},
 *       so both languages state the same facts. In English the detail the code wrote stays: it is
 *       the precise sentence (naming the field, the id, the limit) and what the logs show.
 * </ul>
 *
 * Per-field messages in {@code errors[]} stay English: the field names are the machine-readable
 * part. How to add a code: docs/problems.md.
 */
@Component
public class ProblemLanguage {

  public static final Locale CHINESE = Locale.SIMPLIFIED_CHINESE;
  public static final List<Locale> SUPPORTED = List.of(CHINESE, Locale.ENGLISH);
  private static final Logger log = LoggerFactory.getLogger(ProblemLanguage.class);
  private static final Pattern PROPERTY = Pattern.compile("\\{([a-zA-Z]+)}");

  private final MessageSource messages;
  private final Locale otherwise;

  ProblemLanguage(MessageSource messages, ProblemLanguageSettings settings) {
    this.messages = messages;
    this.otherwise = settings.defaultLanguage();
    // The bundles are read from the jar on first use and kept: read them now, not on an event loop.
    for (Locale language : SUPPORTED) {
      messages.getMessage("problem.NOT_FOUND.title", null, null, language);
    }
  }

  /** zh-CN or en, the first of the request's languages that is one of them (zh, zh-Hans count as zh-CN). */
  public Locale of(ServerHttpRequest request) {
    String header = request.getHeaders().getFirst(HttpHeaders.ACCEPT_LANGUAGE);
    if (header == null || header.isBlank() || header.length() > 200) {
      return otherwise;
    }
    try {
      for (Locale.LanguageRange range : Locale.LanguageRange.parse(header)) {
        String wanted = range.getRange().toLowerCase(Locale.ROOT);
        if (range.getWeight() > 0 && (wanted.equals("zh") || wanted.startsWith("zh-cn") || wanted.startsWith("zh-hans")
            || wanted.equals("zh-sg"))) {
          return CHINESE;
        }
        if (range.getWeight() > 0 && (wanted.equals("en") || wanted.startsWith("en-"))) {
          return Locale.ENGLISH;
        }
      }
    } catch (IllegalArgumentException malformed) {
      return otherwise;
    }
    return otherwise;
  }

  /** The problem with its title (and, in Chinese, its detail) in {@code language}; changed in place. */
  public ProblemDetail localize(ProblemDetail problem, Locale language) {
    Map<String, Object> properties = problem.getProperties();
    Object code = properties == null ? null : properties.get("code");
    if (code == null) {
      return problem;
    }
    String title = messages.getMessage("problem." + code + ".title", null, null, language);
    if (title == null) {
      log.error("problem code {} has no title in the message bundles (see docs/problems.md)", code);
      return problem;
    }
    problem.setTitle(title);
    if (CHINESE.equals(language)) {
      String detail = messages.getMessage("problem." + code + ".detail", null, null, CHINESE);
      if (detail != null) {
        String filled = filled(detail, properties);
        // A code answered from several places may lack a property its detail names: the title then.
        problem.setDetail(filled == null ? title : filled);
      }
    }
    return problem;
  }

  /** {@code {name}} replaced by the problem's property of that name; null when it has none. */
  private static String filled(String template, Map<String, Object> properties) {
    Matcher m = PROPERTY.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      Object value = properties.get(m.group(1));
      if (value == null) {
        log.error("problem {}: its Chinese detail names {{}}, which it does not carry", properties.get("code"),
            m.group(1));
        return null;
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value.toString()));
    }
    return m.appendTail(out).toString();
  }
}
