package io.userstream.console.api;

import io.swagger.v3.oas.annotations.Operation;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Who the caller is to the console: the page shows it, and offers what only an operator may do to operators only. */
@RestController
class CallerController {

    @Operation(summary = "The caller: its name (what the re-drive audit records) and roles (reader, operator)")
    @GetMapping("/api/v1/me")
    Caller me(Authentication authentication) {
        return Caller.of(authentication);
    }
}
