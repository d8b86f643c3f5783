package io.stagecast.signaling.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * docs/openapi.yaml as a checker of the server's real answers: the operation must be documented,
 * the status must be one of its responses, and a JSON body must fit the response's schema (types,
 * required properties, enums, nullable, arrays, {@code $ref}s). Remembers which operations were
 * answered, so a test can require every documented one to have been called.
 */
final class OpenApiContract {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final JsonNode spec;
    private final Set<String> answered = ConcurrentHashMap.newKeySet();

    private OpenApiContract(JsonNode spec) {
        this.spec = spec;
    }

    static OpenApiContract load() throws IOException {
        Path file = Path.of("..", "docs", "openapi.yaml");
        if (!Files.exists(file)) {
            file = Path.of("docs", "openapi.yaml");
        }
        Object tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
        JsonNode spec = JSON.valueToTree(tree);
        if (!spec.path("openapi").asText().startsWith("3.")) {
            throw new AssertionError("not an OpenAPI 3 document: " + file);
        }
        return new OpenApiContract(spec);
    }

    /** Every documented operation as "METHOD /path". */
    Set<String> operations() {
        Set<String> ops = new TreeSet<>();
        spec.path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
            if (Set.of("get", "post", "patch", "put", "delete").contains(method)) {
                ops.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
            }
        }));
        return ops;
    }

    Set<String> answered() {
        return Set.copyOf(answered);
    }

    /** @param template the documented path, e.g. {@code /rooms/{room}}; body null when there is none */
    void check(String method, String template, int status, JsonNode body) {
        JsonNode operation = spec.path("paths").path(template).path(method.toLowerCase(Locale.ROOT));
        if (operation.isMissingNode()) {
            throw new AssertionError(method + " " + template + " is not in docs/openapi.yaml");
        }
        JsonNode response = resolve(operation.path("responses").path(Integer.toString(status)));
        if (response.isMissingNode()) {
            throw new AssertionError(method + " " + template + " answered " + status + ", which docs/openapi.yaml does not list: " + body);
        }
        JsonNode schema = response.path("content").path("application/json").path("schema");
        if (!schema.isMissingNode()) {
            if (body == null) {
                throw new AssertionError(method + " " + template + " " + status + ": a JSON body is documented, none came");
            }
            List<String> problems = new ArrayList<>();
            validate(schema, body, "$", problems);
            if (!problems.isEmpty()) {
                throw new AssertionError(method + " " + template + " " + status + " does not fit docs/openapi.yaml: "
                        + problems + " in " + body);
            }
        }
        answered.add(method.toUpperCase(Locale.ROOT) + " " + template);
    }

    private JsonNode resolve(JsonNode node) {
        while (node.has("$ref")) {
            String ref = node.path("$ref").asText();
            if (!ref.startsWith("#/")) {
                throw new AssertionError("only local $refs are supported: " + ref);
            }
            JsonNode target = spec;
            for (String part : ref.substring(2).split("/")) {
                target = target.path(part);
            }
            if (target.isMissingNode()) {
                throw new AssertionError("dangling $ref " + ref);
            }
            node = target;
        }
        return node;
    }

    private void validate(JsonNode schemaOrRef, JsonNode value, String where, List<String> problems) {
        JsonNode schema = resolve(schemaOrRef);
        if (value.isNull()) {
            if (!schema.path("nullable").asBoolean(false)) {
                problems.add(where + " is null but not nullable");
            }
            return;
        }
        String type = schema.path("type").asText("");
        boolean typeOk = switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            default -> true;
        };
        if (!typeOk) {
            problems.add(where + " is not " + type + ": " + value);
            return;
        }
        if (schema.has("enum")) {
            boolean found = false;
            for (JsonNode option : schema.path("enum")) {
                found |= option.equals(value);
            }
            if (!found) {
                problems.add(where + " = " + value + " is not one of " + schema.path("enum"));
            }
        }
        if (value.isObject()) {
            for (JsonNode required : schema.path("required")) {
                if (!value.has(required.asText())) {
                    problems.add(where + "." + required.asText() + " is required");
                }
            }
            Iterator<Map.Entry<String, JsonNode>> props = schema.path("properties").fields();
            while (props.hasNext()) {
                Map.Entry<String, JsonNode> prop = props.next();
                if (value.has(prop.getKey())) {
                    validate(prop.getValue(), value.get(prop.getKey()), where + "." + prop.getKey(), problems);
                }
            }
        }
        if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                validate(schema.path("items"), value.get(i), where + "[" + i + "]", problems);
            }
        }
    }
}
