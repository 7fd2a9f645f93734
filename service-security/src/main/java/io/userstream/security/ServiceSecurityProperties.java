package io.userstream.security;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * HTTP Basic users of a service ({@code userstream.security.users.<name>.password} and
 * {@code .roles}). A password is a secret in Spring Security's {@code {id}hash} form, or plain text
 * without a prefix. A JWT issuer is configured with Spring Boot's own
 * {@code spring.security.oauth2.resourceserver.jwt.*} properties; at least one of the two is needed.
 *
 * @param realm the realm named in the Basic challenge
 * @param users the users, by name
 */
@Validated
@ConfigurationProperties("userstream.security")
public record ServiceSecurityProperties(@DefaultValue("userstream") @NotBlank String realm,
                                        Map<String, @Valid BasicUser> users) {

    public ServiceSecurityProperties {
        users = users == null ? Map.of() : Map.copyOf(users);
    }

    /**
     * @param password the secret, {@code {bcrypt}...}-style or plain
     * @param roles    what the user may do
     */
    public record BasicUser(@NotBlank String password, @NotEmpty Set<Role> roles) {
    }
}
