package dev.flashgroup.api.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The operator console's entry page at {@code /console/} (its assets under /console/assets are
 * Boot's static resources). The console's build (console/, Vite) puts it into the jar's
 * {@code static/console}; it holds no data, so it is served without a token. Read once at start-up,
 * so no request reads the jar on an event loop.
 */
@Configuration(proxyBeanMethods = false)
class ConsolePage {

  static final String INDEX = "static/console/index.html";

  @Bean
  RouterFunction<ServerResponse> consoleRoutes() {
    byte[] index = index();
    return RouterFunctions.route()
        .GET("/console", request -> ServerResponse.permanentRedirect(URI.create("/console/")).build())
        .GET("/console/", request -> index.length == 0 ? ServerResponse.notFound().build()
            : ServerResponse.ok().contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
                .cacheControl(CacheControl.noCache()).bodyValue(index))
        .build();
  }

  /** The page's bytes; empty when the jar was built without the console. */
  private static byte[] index() {
    ClassPathResource resource = new ClassPathResource(INDEX);
    if (!resource.exists()) {
      return new byte[0];
    }
    try (InputStream in = resource.getInputStream()) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + INDEX, e);
    }
  }
}
