package io.userstream.e2e.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * How Docker Compose puts one service together from several files (its specification's "Merge" and "extends"): a
 * mapping merges key by key; command, entrypoint and healthcheck's test are replaced; ports and volumes are unique by
 * what they bind (a later volume on the same container path replaces the earlier); environment, labels, depends_on and
 * networks are mappings (their list form is read as one); other lists are appended. {@code !reset} removes what the
 * earlier file set, {@code !override} replaces it whole. A service that extends another ({@code extends: {file,
 * service}}) starts from that one and merges its own attributes on top.
 */
final class ComposeMerge {

    /** Read first for {@code !reset}: the attribute is gone. */
    private static final Object RESET = new Object() {
        @Override
        public String toString() {
            return "!reset";
        }
    };

    /** An attribute written with {@code !override}: this value, not merged with the earlier one. */
    private record Overriding(Object value) {
    }

    private static final Set<String> REPLACED = Set.of("command", "entrypoint", "test");
    private static final Set<String> MAPPINGS = Set.of("environment", "labels", "depends_on", "networks", "extra_hosts");

    private ComposeMerge() {
    }

    /** A Compose file of the checkout as YAML (anchors and merge keys resolved), its tags kept for {@link #mergeService}. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> load(Path root, String file) throws IOException {
        Object yaml = new Yaml(new ComposeConstructor()).load(Files.readString(root.resolve(file)));
        assertThat(yaml).as("%s is a YAML mapping", file).isInstanceOf(Map.class);
        return (Map<String, Object>) yaml;
    }

    /** The service of a file with what it extends merged under it (recursively; a file: is relative to the checkout). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> resolveExtends(Path root, String file, Map<String, Object> services, String name) {
        assertThat(services).as("%s: services", file).containsKey(name);
        Map<String, Object> service = new LinkedHashMap<>((Map<String, Object>) services.get(name));
        Object extendsValue = service.remove("extends");
        if (extendsValue == null) {
            return service;
        }
        String baseFile = file;
        String baseName;
        Map<String, Object> baseServices = services;
        if (extendsValue instanceof Map<?, ?> map) {
            baseName = String.valueOf(map.get("service"));
            if (map.get("file") != null) {
                baseFile = String.valueOf(map.get("file"));
                try {
                    baseServices = (Map<String, Object>) load(root, baseFile).get("services");
                } catch (IOException e) {
                    throw new AssertionError(file + ": service " + name + " extends " + baseFile + ", which cannot be read", e);
                }
            }
        } else {
            baseName = String.valueOf(extendsValue);
        }
        assertThat(baseServices).as("%s: service %s extends %s of %s", file, name, baseName, baseFile).containsKey(baseName);
        return mergeService(resolveExtends(root, baseFile, baseServices, baseName), service);
    }

    /** {@code overlay} merged onto {@code base}: a new mapping, tags kept (see {@link #withoutTags}). */
    static Map<String, Object> mergeService(Map<String, Object> base, Map<String, Object> overlay) {
        return mergeMapping(base, overlay);
    }

    private static Map<String, Object> mergeMapping(Map<String, Object> base, Map<String, Object> overlay) {
        Map<String, Object> merged = new LinkedHashMap<>(base);
        overlay.forEach((key, value) -> {
            if (value == RESET) {
                merged.remove(key);
            } else if (value instanceof Overriding override) {
                merged.put(key, override.value());
            } else if (!merged.containsKey(key) || merged.get(key) == null || REPLACED.contains(key)) {
                merged.put(key, value);
            } else {
                merged.put(key, mergeValue(key, merged.get(key), value));
            }
        });
        return merged;
    }

    @SuppressWarnings("unchecked")
    private static Object mergeValue(String key, Object base, Object overlay) {
        if (MAPPINGS.contains(key)) {
            return mergeMapping(asMapping(key, base), asMapping(key, overlay));
        }
        if (base instanceof Map<?, ?> baseMap && overlay instanceof Map<?, ?> overlayMap) {
            return mergeMapping((Map<String, Object>) baseMap, (Map<String, Object>) overlayMap);
        }
        if (base instanceof List<?> baseList && overlay instanceof List<?> overlayList) {
            List<Object> merged = new ArrayList<>(baseList);
            for (Object item : overlayList) {
                if (key.equals("volumes")) {
                    merged.removeIf(existing -> volumeTarget(existing).equals(volumeTarget(item)));
                }
                if (!merged.contains(item)) {
                    merged.add(item);
                }
            }
            return merged;
        }
        return overlay;
    }

    /** environment, labels, depends_on, networks: a mapping, or a list read as one (KEY=VALUE, or names). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMapping(String key, Object value) {
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        Map<String, Object> mapping = new LinkedHashMap<>();
        if (value instanceof List<?> list) {
            for (Object item : list) {
                String[] pair = String.valueOf(item).split("=", 2);
                mapping.put(pair[0], pair.length == 2 ? pair[1] : key.equals("depends_on") ? Map.of("condition", "service_started") : null);
            }
        }
        return mapping;
    }

    /** The container path a volume is mounted at: "./a:/b:ro" → /b, "/b" (anonymous) → /b, long syntax → its target. */
    private static String volumeTarget(Object volume) {
        if (volume instanceof Map<?, ?> map) {
            return String.valueOf(map.get("target"));
        }
        String[] parts = String.valueOf(volume).split(":");
        return parts.length >= 2 ? parts[1] : parts[0];
    }

    /** The merged value as Compose uses it: an {@code !override} is its value, a left-over {@code !reset} is gone. */
    static Object withoutTags(Object value) {
        if (value instanceof Overriding override) {
            return withoutTags(override.value());
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> result = new LinkedHashMap<>();
            map.forEach((key, item) -> {
                if (item != RESET) {
                    result.put(key, withoutTags(item));
                }
            });
            return result;
        }
        if (value instanceof List<?> list) {
            return list.stream().filter(item -> item != RESET).map(ComposeMerge::withoutTags).toList();
        }
        return value;
    }

    /** SnakeYAML's safe types plus Compose's two merge tags. */
    private static final class ComposeConstructor extends SafeConstructor {

        ComposeConstructor() {
            super(new LoaderOptions());
            yamlConstructors.put(new Tag("!reset"), new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    return RESET;
                }
            });
            yamlConstructors.put(new Tag("!override"), new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    if (node instanceof SequenceNode sequence) {
                        return new Overriding(constructSequence(sequence));
                    }
                    if (node instanceof MappingNode mapping) {
                        return new Overriding(constructMapping(mapping));
                    }
                    return new Overriding(constructScalar((ScalarNode) node));
                }
            });
        }
    }
}
