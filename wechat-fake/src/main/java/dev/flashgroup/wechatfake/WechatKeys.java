package dev.flashgroup.wechatfake;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secrets of one stand-in run, all generated at start: WeChat Pay's platform key pair (it signs
 * responses and notifications; the app gets the public key, as in public-key mode), the merchant's
 * key pair (the app signs its requests with the private key; the stand-in checks them) and the
 * API v3 key that encrypts notification resources.
 */
public final class WechatKeys {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  final KeyPair platform;
  final KeyPair merchant;
  /** Not WeChat Pay's: for answers a client must refuse. */
  private final KeyPair stranger;
  final String publicKeyId;
  final String merchantSerialNo;
  final String apiV3Key;

  private WechatKeys(KeyPair platform, KeyPair merchant, KeyPair stranger) {
    this.platform = platform;
    this.merchant = merchant;
    this.stranger = stranger;
    this.publicKeyId = "PUB_KEY_ID_0116" + digits(24);
    this.merchantSerialNo = hex(40);
    this.apiV3Key = random(32);
  }

  static WechatKeys generate() {
    try {
      KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
      rsa.initialize(2048);
      return new WechatKeys(rsa.generateKeyPair(), rsa.generateKeyPair(), rsa.generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** SHA256withRSA by the platform key, base64: the Wechatpay-Signature header. */
  String signAsPlatform(String message) {
    return sign(platform, message);
  }

  /** The same, by a key that is not WeChat Pay's. */
  String signAsStranger(String message) {
    return sign(stranger, message);
  }

  private static String sign(KeyPair key, String message) {
    try {
      Signature signature = Signature.getInstance("SHA256withRSA");
      signature.initSign(key.getPrivate());
      signature.update(message.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  boolean signedByMerchant(String message, String signatureBase64) {
    return verify(merchant.getPublic(), message, signatureBase64);
  }

  static boolean verify(PublicKey key, String message, String signatureBase64) {
    try {
      Signature signature = Signature.getInstance("SHA256withRSA");
      signature.initVerify(key);
      signature.update(message.getBytes(StandardCharsets.UTF_8));
      return signature.verify(Base64.getDecoder().decode(signatureBase64));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  /** AEAD_AES_256_GCM with the API v3 key, as WeChat encrypts a notification's resource. */
  String encrypt(String plaintext, String nonce, String associatedData) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(apiV3Key.getBytes(StandardCharsets.UTF_8), "AES"),
          new GCMParameterSpec(128, nonce.getBytes(StandardCharsets.UTF_8)));
      cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  String merchantPrivateKeyPem() {
    return pem("PRIVATE KEY", merchant.getPrivate().getEncoded());
  }

  String platformPublicKeyPem() {
    return pem("PUBLIC KEY", platform.getPublic().getEncoded());
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  static String random(int length) {
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      s.append(LETTERS.charAt(RANDOM.nextInt(LETTERS.length())));
    }
    return s.toString();
  }

  static String digits(int length) {
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      s.append((char) ('0' + RANDOM.nextInt(10)));
    }
    return s.toString();
  }

  private static String hex(int length) {
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      s.append("0123456789ABCDEF".charAt(RANDOM.nextInt(16)));
    }
    return s.toString();
  }
}
