package io.userstream.console.schemas;

import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** The registry's subjects, versions and compatibility rule. */
@RestController
class SchemasController {

    private final Registry registry;

    SchemasController(Registry registry) {
        this.registry = registry;
    }

    @GetMapping("/api/v1/schemas")
    Mono<List<Registry.Subject>> schemas() {
        return registry.subjects();
    }
}
