package dev.flashgroup.engine.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.properties.CanBeAnnotated.Predicates.annotatedWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.ConfigurationProperties;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Features depend on each other without cycles, nothing in the engine reaches into the web, WxJava
 * stays inside the WeChat adapters, and no feature reaches into messaging for its settings.
 */
class ModularityTest {

  /** WxJava's packages: WeChat Pay, the mini-program, and the common types both share. */
  private static final String[] WXJAVA = {"com.github.binarywang..", "cn.binarywang..", "me.chanjar.weixin.."};

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

  /**
   * WxJava is one SDK behind three adapters: the WeChat platform ({@code wechat/}: clients, settings,
   * the mini-program's code2session that buyer login uses), WeChat Pay ({@code payment/wechat/}) and
   * subscribe messages ({@code notification/wechat/}). Everyone else, the payment and notification
   * ports and the buyer feature included, sees our own types only.
   */
  @Test
  void onlyTheWechatAdaptersUseWxJava() {
    noClasses().that().resideOutsideOfPackages("dev.flashgroup.engine.wechat..", "dev.flashgroup.engine.payment.wechat..",
            "dev.flashgroup.engine.notification.wechat..")
        .should().dependOnClassesThat().resideInAnyPackage(WXJAVA)
        .check(ENGINE);
  }

  @Test
  void thePaymentPortKnowsNoneOfItsAdapters() {
    noClasses().that().resideInAPackage("dev.flashgroup.engine.payment")
        .should().dependOnClassesThat().resideInAPackage("dev.flashgroup.engine.payment.wechat..")
        .check(ENGINE);
  }

  /** Messaging is transport; a feature that needs a name it shares with the relay owns that setting. */
  @Test
  void noFeatureReadsMessagingSettings() {
    noClasses().that().resideOutsideOfPackage("dev.flashgroup.engine.messaging..")
        .should().dependOnClassesThat(resideInAPackage("dev.flashgroup.engine.messaging..")
            .and(annotatedWith(ConfigurationProperties.class)))
        .check(ENGINE);
  }
}
