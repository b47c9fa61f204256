package dev.flashgroup.api.web;

import org.springframework.boot.http.codec.CodecCustomizer;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.codec.CodecConfigurer;
import org.springframework.http.codec.json.JacksonJsonDecoder;
import org.springframework.stereotype.Component;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/**
 * Request bodies are read as they are written: an integer field takes a JSON integer, not
 * {@code 1.5} (Jackson would truncate it) nor {@code "5"} (it would coerce the text), a decimal
 * field (a coordinate) takes a JSON number, not text, and a
 * boolean field takes {@code true} or {@code false}. Only the HTTP decoder is this strict; the
 * application's own mapper, which reads events, keeps its settings.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE)
class StrictJsonBodies implements CodecCustomizer {

  private final JacksonJsonDecoder decoder;

  StrictJsonBodies(JsonMapper json) {
    JsonMapper strict = json.rebuild()
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .withCoercionConfig(LogicalType.Integer, c -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
        .withCoercionConfig(LogicalType.Float, c -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
        .withCoercionConfig(LogicalType.Boolean, c -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail))
        .withCoercionConfig(LogicalType.Textual, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
        .build();
    this.decoder = new JacksonJsonDecoder(strict);
  }

  @Override
  public void customize(CodecConfigurer configurer) {
    configurer.defaultCodecs().jacksonJsonDecoder(decoder);
  }
}
