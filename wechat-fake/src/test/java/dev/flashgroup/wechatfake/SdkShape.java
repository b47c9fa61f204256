package dev.flashgroup.wechatfake;

import com.google.gson.annotations.SerializedName;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the official SDK reads leniently, checked strictly: every field of an answer or a
 * notification is one the SDK's model knows (Gson would drop an unknown or misspelt one without a
 * word), of the model's JSON type, never null (WeChat leaves absent values out), every enum value
 * one the model names, and every time a whole-second RFC 3339 time at +08:00, as WeChat writes them.
 */
final class SdkShape {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Pattern WECHAT_TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\+08:00");

  private SdkShape() {}

  /**
   * The differences between {@code json} and the SDK's {@code model}; empty when it conforms.
   * {@code documented} names fields WeChat's documentation has and the SDK's model lacks
   * ("Model.field"), which are allowed.
   */
  static List<String> differences(String json, Class<?> model, Set<String> documented) {
    List<String> found = new ArrayList<>();
    object(JSON.readTree(json), model, "", documented, found);
    return found;
  }

  private static void object(JsonNode node, Class<?> model, String path, Set<String> documented, List<String> found) {
    if (!node.isObject()) {
      found.add(path + ": expected an object for " + model.getSimpleName() + ", got " + node);
      return;
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String name = e.getKey();
      String where = path + "/" + name;
      JsonNode value = e.getValue();
      if (value.isNull()) {
        found.add(where + ": null (WeChat leaves an absent value out)");
        continue;
      }
      if (name.endsWith("_time") || name.equals("time_expire")) {
        if (!value.isString() || !WECHAT_TIME.matcher(value.asString()).matches()) {
          found.add(where + ": " + value + " is not a whole-second RFC 3339 time at +08:00");
        }
      }
      Field field = field(model, name);
      if (field == null) {
        if (!documented.contains(model.getSimpleName() + "." + name)) {
          found.add(where + ": not a field of the SDK's " + model.getSimpleName());
        }
        continue;
      }
      value(value, field.getGenericType(), where, documented, found);
    }
  }

  private static void value(JsonNode value, Type type, String where, Set<String> documented, List<String> found) {
    Class<?> raw = raw(type);
    if (raw == String.class) {
      expect(value.isString(), value, "a string", where, found);
    } else if (raw == Integer.class || raw == Long.class || raw == int.class || raw == long.class) {
      expect(value.isIntegralNumber(), value, "an integer", where, found);
    } else if (raw == Boolean.class || raw == boolean.class) {
      expect(value.isBoolean(), value, "a boolean", where, found);
    } else if (raw.isEnum()) {
      expect(value.isString() && enumNames(raw).contains(value.asString()), value,
          "one of " + enumNames(raw), where, found);
    } else if (List.class.isAssignableFrom(raw)) {
      if (!value.isArray()) {
        found.add(where + ": expected an array, got " + value);
        return;
      }
      Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
      for (int i = 0; i < value.size(); i++) {
        value(value.get(i), element, where + "/" + i, documented, found);
      }
    } else {
      object(value, raw, where, documented, found);
    }
  }

  private static void expect(boolean ok, JsonNode value, String what, String where, List<String> found) {
    if (!ok) {
      found.add(where + ": expected " + what + ", got " + value);
    }
  }

  private static Class<?> raw(Type type) {
    return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
  }

  /** The model's field for a JSON name: its @SerializedName, or the SDK's lower_underscore naming. */
  private static Field field(Class<?> model, String name) {
    for (Field f : model.getDeclaredFields()) {
      SerializedName serialized = f.getAnnotation(SerializedName.class);
      String json = serialized != null ? serialized.value() : f.getName().replaceAll("([A-Z])", "_$1").toLowerCase();
      if (json.equals(name)) {
        return f;
      }
    }
    return null;
  }

  private static List<String> enumNames(Class<?> type) {
    List<String> names = new ArrayList<>();
    for (Field f : type.getDeclaredFields()) {
      if (f.isEnumConstant()) {
        SerializedName serialized = f.getAnnotation(SerializedName.class);
        names.add(serialized != null ? serialized.value() : f.getName());
      }
    }
    return names;
  }
}
