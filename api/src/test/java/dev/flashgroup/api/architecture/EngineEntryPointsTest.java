package dev.flashgroup.api.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The api calls the engine only through each feature's public entry points, values and outcomes,
 * all in the feature's own package ({@code engine.payment}, {@code engine.group}, ...), and its
 * events ({@code engine.order.event}). Adapters in a feature's sub-packages, transport, Redis keys,
 * Lua scripts, timers and the kernel's plumbing are the engine's business; so is WxJava.
 */
class EngineEntryPointsTest {

  private static final JavaClasses API = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.flashgroup.api");

  @Test
  void apiNeverUsesWxJava() {
    noClasses().should().dependOnClassesThat()
        .resideInAnyPackage("com.github.binarywang..", "cn.binarywang..", "me.chanjar.weixin..")
        .check(API);
  }

  /** A feature's sub-packages are its adapters (payment/wechat); only its published events may be used. */
  @Test
  void apiNeverReachesIntoAFeaturesAdapters() {
    noClasses().should().dependOnClassesThat(resideInAPackage("dev.flashgroup.engine.*.*..")
            .and(not(resideInAPackage("dev.flashgroup.engine.*.event.."))))
        .check(API);
  }

  @Test
  void apiNeverUsesTheEnginesPlumbing() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.flashgroup.engine.messaging..",
            "dev.flashgroup.engine.keys..", "dev.flashgroup.engine.schedule..", "dev.flashgroup.engine.timer..")
        .check(API);
  }

  /** The kernel's value types (ids) are shared by everyone; its Lua and connection plumbing is not. */
  @Test
  void apiUsesOnlyTheKernelsValueTypes() {
    noClasses().should().dependOnClassesThat(resideInAPackage("dev.flashgroup.engine.kernel..")
            .and(not(assignableTo(Record.class))))
        .check(API);
  }

  /**
   * Lua scripts run behind a feature's entry point. (The engine's other configuration classes are
   * package-private, so the compiler already keeps the api from naming them; only
   * EngineConfiguration is public, and the application imports the engine through it.)
   */
  @Test
  void apiNeverTouchesLuaScripts() {
    noClasses().should().dependOnClassesThat().resideInAPackage("org.springframework.data.redis.core.script..")
        .check(API);
  }
}
