package io.userstream.security;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;

/** Declares HTTP Basic and/or bearer JWT in the OpenAPI document and requires one of them everywhere. */
final class SecuritySchemes implements OpenApiCustomizer {

    static final String BASIC = "basicAuth";
    static final String BEARER = "bearerAuth";

    private final boolean basic;
    private final boolean bearer;

    SecuritySchemes(boolean basic, boolean bearer) {
        this.basic = basic;
        this.bearer = bearer;
    }

    @Override
    public void customise(OpenAPI openApi) {
        if (openApi.getComponents() == null) {
            openApi.setComponents(new Components());
        }
        if (basic) {
            openApi.getComponents().addSecuritySchemes(BASIC, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("basic")
                    .description("A user of userstream.security.users (reader or operator); ./pipeline up prints them"));
            openApi.addSecurityItem(new SecurityRequirement().addList(BASIC));
        }
        if (bearer) {
            openApi.getComponents().addSecuritySchemes(BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                    .bearerFormat("JWT").description("A JWT of the configured issuer, its roles claim holding reader and/or operator"));
            openApi.addSecurityItem(new SecurityRequirement().addList(BEARER));
        }
    }
}
