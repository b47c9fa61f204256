package dev.flashgroup.api.console;

import dev.flashgroup.engine.tonight.Tonight;
import dev.flashgroup.engine.tonight.TonightFigures;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** The operator console's Tonight page polls this (ADMIN, by the /api/v1/admin/** rule). */
@RestController
class TonightController {

  private final TonightFigures figures;

  TonightController(TonightFigures figures) {
    this.figures = figures;
  }

  @GetMapping("/api/v1/admin/metrics/tonight")
  Mono<Tonight> tonight() {
    return figures.now();
  }
}
