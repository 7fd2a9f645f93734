package io.userstream.store.api;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.userstream.store.query.UserQueries;
import io.userstream.store.query.UserView;
import io.userstream.store.query.UsersPage;
import io.userstream.store.write.UserEraser;
import java.security.Principal;
import java.util.Locale;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Stored users, and the erasure of a person. Who may call what: {@link StoreAccess}. */
@RestController
@RequestMapping("/api/v1/users")
class UserController {

    private static final Pattern COUNTRY_CODE = Pattern.compile("[A-Za-z]{2}");

    private final UserQueries users;
    private final UserEraser eraser;
    private final ApiProperties limits;

    UserController(UserQueries users, UserEraser eraser, ApiProperties limits) {
        this.users = users;
        this.eraser = eraser;
        this.limits = limits;
    }

    @Operation(summary = "A user by id", description = "Role: reader or operator.")
    @GetMapping("/{id}")
    Mono<UserView> byId(@PathVariable String id) {
        var userId = Parameters.uuid("id", id);
        return users.byId(userId).switchIfEmpty(notFound("id", "No user with id " + userId));
    }

    @Operation(summary = "A user by e-mail address (case-insensitive)", description = "Role: reader or operator.")
    @GetMapping("/by-email/{email}")
    Mono<UserView> byEmail(@PathVariable String email) {
        if (email.isBlank() || !email.contains("@")) {
            throw new InvalidParameterException("email", "email must be an e-mail address, not '" + email + "'");
        }
        return users.byEmail(email.strip()).switchIfEmpty(notFound("email", "No user with e-mail " + email));
    }

    @Operation(summary = "A user by username", description = "Role: reader or operator.")
    @GetMapping("/by-username/{username}")
    Mono<UserView> byUsername(@PathVariable String username) {
        if (username.isBlank()) {
            throw new InvalidParameterException("username", "username must not be blank");
        }
        return users.byUsername(username).switchIfEmpty(notFound("username", "No user with username " + username));
    }

    @Operation(summary = "Users of a country, newest registered first, one page at a time",
            description = "Role: reader or operator.")
    @GetMapping
    Mono<UsersPage> byCountry(
            @Parameter(description = "ISO 3166-1 alpha-2 code, e.g. DE") @RequestParam(required = false) String country,
            @Parameter(description = "e.g. female, male") @RequestParam(required = false) String gender,
            @Parameter(description = "users per page, 1 to 500, default 50") @RequestParam(required = false) String limit,
            @Parameter(description = "nextPageToken of the previous page") @RequestParam(required = false) String pageToken) {
        String countryCode = Parameters.required("country", country);
        if (!COUNTRY_CODE.matcher(countryCode).matches()) {
            throw new InvalidParameterException("country", "country must be an ISO 3166-1 alpha-2 code such as DE, not '" + country + "'");
        }
        String genderFilter = gender == null || gender.isBlank() ? null : gender.strip().toLowerCase(Locale.ROOT);
        int pageSize = limit == null ? limits.defaultLimit() : Parameters.integer("limit", limit, 1, limits.maxLimit());
        String token = pageToken == null || pageToken.isEmpty() ? null : pageToken;
        return Mono.defer(() -> users.byCountry(countryCode.toUpperCase(Locale.ROOT), genderFilter, pageSize, token));
    }

    @Operation(summary = "Erases a person from every table (statistics stay) and keeps any later copy of their records "
            + "from storing them again; 204 whether or not they were stored or erased before, safe to repeat (e.g. after a 503)",
            description = "Role: operator.")
    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> erase(@PathVariable String id, Principal principal) {
        var userId = Parameters.uuid("id", id);
        return eraser.erase(userId, principal.getName()).then();
    }

    private static <T> Mono<T> notFound(String parameter, String message) {
        return Mono.error(() -> new ResourceNotFoundException(parameter, message));
    }
}
