package dev.flashgroup.api.web;

import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param defaultLanguage the language of a problem's {@code title} and {@code detail} when the
 *     request's {@code Accept-Language} names none of zh-CN and en (or is missing): {@code en}, the
 *     API's language for developers and logs; a deployment whose clients show details as they are
 *     may set {@code zh-CN} ({@code FLASHGROUP_PROBLEMS_DEFAULT_LANGUAGE})
 */
@ConfigurationProperties("flashgroup.problems")
record ProblemLanguageSettings(@DefaultValue("en") Locale defaultLanguage) {

  public ProblemLanguageSettings {
    if (!ProblemLanguage.SUPPORTED.contains(defaultLanguage)) {
      throw new IllegalArgumentException("flashgroup.problems.default-language must be one of " + ProblemLanguage.SUPPORTED);
    }
  }
}
