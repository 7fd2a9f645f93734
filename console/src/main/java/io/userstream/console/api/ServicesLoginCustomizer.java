package io.userstream.console.api;

import io.userstream.console.ConsoleProperties;
import io.userstream.console.ConsoleProperties.ServicesLogin;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * Every WebClient of the console sends {@code userstream.console.services-login} as HTTP Basic to ingest-service,
 * user-store-service and stream-processor (their APIs and health), and to nobody else: a request goes with the
 * login only when its origin (scheme, host, port) is one of those services' URLs, so the registry and Airflow never
 * see it. A request that already carries an {@code Authorization} header (a resume, forwarding its caller's own)
 * keeps it. Without a services login nothing is added.
 */
@Component
class ServicesLoginCustomizer implements WebClientCustomizer {

    private final ServicesLogin login;
    private final List<URI> services;

    ServicesLoginCustomizer(ConsoleProperties properties) {
        this.login = properties.servicesLogin();
        this.services = List.of(properties.ingestUrl(), properties.storeUrl(), properties.processorUrl());
    }

    @Override
    public void customize(WebClient.Builder builder) {
        if (login != null) {
            builder.filter(filter());
        }
    }

    ExchangeFilterFunction filter() {
        return ExchangeFilterFunction.ofRequestProcessor(request -> Mono.just(
                toService(request.url()) && !request.headers().containsHeader(HttpHeaders.AUTHORIZATION)
                        ? ClientRequest.from(request).header(HttpHeaders.AUTHORIZATION, login.basicAuthorization()).build()
                        : request));
    }

    private boolean toService(URI url) {
        return services.stream().anyMatch(service -> sameOrigin(service, url));
    }

    private static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(lower(a.getScheme()), lower(b.getScheme())) && Objects.equals(lower(a.getHost()), lower(b.getHost()))
                && port(a) == port(b);
    }

    private static String lower(String text) {
        return text == null ? null : text.toLowerCase(Locale.ROOT);
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }
}
