package dev.opentier.ingest.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Literal addresses only, or a resolver given in the test: nothing here touches the network. */
class AddressGuardTest {
  private final AddressGuard strict = new AddressGuard(false, false);

  @ParameterizedTest(name = "{0} is refused as {1}")
  @CsvSource({
      "http://127.0.0.1/, a loopback address",
      "http://127.8.9.10:8080/x, a loopback address",
      "http://[::1]/, a loopback address",
      "http://10.1.2.3/, a private address",
      "http://172.16.0.1/, a private address",
      "http://172.31.255.254/, a private address",
      "http://192.168.1.1/, a private address",
      "http://[fd00::1]/, a private address",
      "http://[fc00::1]/, a private address",
      "http://169.254.169.254/latest/meta-data/, a link-local address",
      "http://[fe80::1]/, a link-local address",
      "http://100.64.0.1/, a carrier-grade NAT address",
      "http://100.127.255.255/, a carrier-grade NAT address",
      "http://0.0.0.0/, an unspecified address",
      "http://[::]/, an unspecified address",
      "http://224.0.0.1/, a multicast address",
      "http://[ff02::1]/, a multicast address",
      "http://255.255.255.255/, a reserved address",
      "http://[::ffff:127.0.0.1]/, a loopback address",
      "http://[::ffff:169.254.169.254]/, a link-local address",
      "http://[::ffff:10.0.0.1]/, a private address",
      "http://[64:ff9b::a9fe:a9fe]/, a link-local address",
      "http://[2002:a00:1::]/, a private address",
  })
  void aNonPublicAddressIsRefusedWithWhatItIs(String url, String what) {
    assertThat(strict.refusal(URI.create(url))).hasValueSatisfying(reason -> assertThat(reason).endsWith(", " + what));
  }

  @Test
  void theRefusalSaysWhichUrlResolvedToWhichAddress() {
    assertThat(strict.refusal(URI.create("http://169.254.169.254/latest/meta-data/")))
        .hasValue("http://169.254.169.254/latest/meta-data/ resolves to 169.254.169.254, a link-local address");
  }

  @ParameterizedTest(name = "{0} is allowed")
  @CsvSource({
      "http://93.184.216.34/",
      "https://93.184.216.34:8443/path?q=1",
      "http://172.32.0.1/",
      "http://100.128.0.1/",
      "http://[2606:2800:220:1:248:1893:25c8:1946]/",
  })
  void aPublicAddressIsAllowed(String url) {
    assertThat(strict.refusal(URI.create(url))).isEmpty();
  }

  @ParameterizedTest(name = "{0} is refused")
  @CsvSource({"file:///etc/passwd", "ftp://93.184.216.34/", "gopher://93.184.216.34:70/", "jar:http://93.184.216.34/x.jar!/"})
  void onlyHttpAndHttpsArePassed(String url) {
    assertThat(strict.refusal(URI.create(url))).hasValue(url + " is not an http or https URL");
    assertThat(new AddressGuard(true, true).refusal(URI.create(url))).hasValue(url + " is not an http or https URL");
  }

  @Test
  void aNameIsRefusedWhenAnyOfItsAddressesIsNotPublic() {
    AddressGuard guard = new AddressGuard(false, false, resolving(Map.of(
        "mixed.example", new String[] {"93.184.216.34", "10.0.0.7"},
        "public.example", new String[] {"93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"})));

    assertThat(guard.refusal(URI.create("https://mixed.example/")))
        .hasValue("https://mixed.example/ resolves to 10.0.0.7, a private address");
    assertThat(guard.refusal(URI.create("https://public.example/"))).isEmpty();
  }

  @Test
  void aNameThatCannotBeResolvedIsRefused() {
    AddressGuard guard = new AddressGuard(false, false, resolving(Map.of()));

    assertThat(guard.refusal(URI.create("http://nowhere.invalid/")))
        .hasValue("http://nowhere.invalid/: host nowhere.invalid cannot be resolved");
  }

  @Test
  void allowingLoopbackStillRefusesEveryOtherPrivateRange() {
    AddressGuard guard = new AddressGuard(true, false, resolving(Map.of("localhost", new String[] {"127.0.0.1", "::1"})));

    assertThat(guard.refusal(URI.create("http://localhost:8080/"))).isEmpty();
    assertThat(guard.refusal(URI.create("http://127.0.0.1/"))).isEmpty();
    assertThat(guard.refusal(URI.create("http://[::1]/"))).isEmpty();
    assertThat(guard.refusal(URI.create("http://169.254.169.254/"))).isPresent();
    assertThat(guard.refusal(URI.create("http://10.1.2.3/"))).isPresent();
    assertThat(guard.refusal(URI.create("http://[fd00::1]/"))).isPresent();
  }

  @Test
  void allowingPrivateAddressesChecksTheSchemeButDoesNotResolve() {
    AddressGuard guard = new AddressGuard(false, true, host -> {
      throw new AssertionError("resolved " + host);
    });

    assertThat(guard.refusal(URI.create("http://127.0.0.1/"))).isEmpty();
    assertThat(guard.refusal(URI.create("http://169.254.169.254/"))).isEmpty();
    assertThat(guard.refusal(URI.create("http://intranet.corp/"))).isEmpty();
  }

  @Test
  void theGuardFollowsTheCrawlOptions() {
    URI loopback = URI.create("http://127.0.0.1/");

    assertThat(AddressGuard.from(CrawlOptions.defaults()).refusal(loopback)).isPresent();
    assertThat(AddressGuard.from(CrawlOptions.defaults().withAllowLoopback(true)).refusal(loopback)).isEmpty();
    assertThat(AddressGuard.from(CrawlOptions.defaults().withAllowPrivateAddresses(true)).refusal(loopback)).isEmpty();
  }

  private static AddressGuard.Resolver resolving(Map<String, String[]> hosts) {
    return host -> {
      String[] literals = hosts.get(host);
      if (literals == null) throw new UnknownHostException(host);
      InetAddress[] addresses = new InetAddress[literals.length];
      for (int i = 0; i < literals.length; i++) addresses[i] = InetAddress.getByName(literals[i]); // literals: no lookup
      return addresses;
    };
  }
}
