package dev.flashgroup.engine.order.event;

import com.fasterxml.jackson.annotation.JacksonAnnotationsInside;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.annotation.OptBoolean;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A field some scripts leave out (cjson drops nil): it may be absent, and reads as null then.
 * Every field without it (or {@link MayBeNull}) must be present and not null.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.PARAMETER, ElementType.FIELD, ElementType.METHOD})
@JacksonAnnotationsInside
@JsonProperty(isRequired = OptBoolean.FALSE)
@JsonSetter(nulls = Nulls.SET)
@interface MayBeAbsent {}
