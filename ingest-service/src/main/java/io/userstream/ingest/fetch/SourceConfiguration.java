package io.userstream.ingest.fetch;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.ObjectMapper;

/** The two user sources: randomuser.me over a tuned WebClient, and Datafaker. */
@Configuration(proxyBeanMethods = false)
class SourceConfiguration {

    @Bean
    RandomUserSource randomUserSource(RandomUserProperties properties, PersonalDataProperties personalData, ObjectMapper json,
                                      Clock clock, MeterRegistry meters) {
        RequestPacer pacer = new RequestPacer(properties.pacing().usersPerWindow(), properties.pacing().window(), clock);
        // Boot 4 auto-configures WebClient.Builder in spring-boot-webclient, whose jar the Maven Central
        // mirror reachable here lacks for 4.1.1; the plain builder is all this client needs.
        return new RandomUserSource(randomUserClient(WebClient.builder(), properties), properties, new RandomUserMapper(personalData.keepNationalId()), json,
                pacer, clock, meters);
    }

    /** Connect timeout on the socket, response timeout on the exchange, and room for 5,000-user pages. */
    static WebClient randomUserClient(WebClient.Builder builder, RandomUserProperties properties) {
        HttpClient http = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) properties.connectTimeout().toMillis())
                .responseTimeout(properties.readTimeout());
        return builder.clone()
                .baseUrl(properties.baseUrl().toString())
                .clientConnector(new ReactorClientHttpConnector(http))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize((int) properties.maxResponseSize().toBytes()))
                .build();
    }

    @Bean
    FakerUserSource fakerUserSource(Clock clock, PersonalDataProperties personalData) {
        return new FakerUserSource(clock, personalData.keepNationalId());
    }
}
