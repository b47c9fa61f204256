package dev.flashgroup.wechatfake;

import java.util.Map;

/** A subscribe message the stand-in accepted: to whom, which template and page, the keyword values. */
public record SubscribeMessage(String toUser, String templateId, String page, String miniProgramState,
    Map<String, String> data) {}
