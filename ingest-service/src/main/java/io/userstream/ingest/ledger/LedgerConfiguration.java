package io.userstream.ingest.ledger;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** This instance's name in the shared ledger. */
@Configuration(proxyBeanMethods = false)
class LedgerConfiguration {

    @Bean
    RunOwner runOwner(LedgerProperties properties, @Value("${server.port:8080}") int serverPort) {
        return RunOwner.of(properties, serverPort);
    }
}
