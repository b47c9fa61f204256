package dev.flashgroup.engine.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Features depend on each other without cycles, and nothing in the engine reaches into the web. */
class ModularityTest {

  private static final JavaClasses ENGINE = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.flashgroup.engine");

  @Test
  void featuresAreFreeOfCycles() {
    slices().matching("dev.flashgroup.engine.(*)..").should().beFreeOfCycles().check(ENGINE);
  }

  @Test
  void engineKnowsNothingOfTheWeb() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage("org.springframework.web..", "dev.flashgroup.api..")
        .check(ENGINE);
  }

  @Test
  void engineNeverBlocksOnPublishers() {
    noClasses().should().callMethod(Mono.class, "block")
        .orShould().callMethod(Flux.class, "blockFirst")
        .orShould().callMethod(Flux.class, "blockLast")
        .check(ENGINE);
  }
}
