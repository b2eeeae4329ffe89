package dev.opentier.queryapi.auth;

import dev.opentier.platform.config.Settings;
import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends account e-mail over SMTP (Jakarta Mail). Without {@code OPENTIER_SMTP_HOST} each message is
 * written as a file to a mail drop ({@code OPENTIER_MAIL_DIR}, default {@code var/mail}) that only the
 * service's user can read (directory 0700, files 0600), so a local installation works without a mail
 * server. A message's text (its link signs the reader in) never reaches a log: the log only says that
 * a message was dropped, and where.
 */
public final class Mailer {
  public static final String HOST = "OPENTIER_SMTP_HOST";
  public static final String PORT = "OPENTIER_SMTP_PORT";
  public static final String USERNAME = "OPENTIER_SMTP_USERNAME";
  public static final String PASSWORD = "OPENTIER_SMTP_PASSWORD";
  public static final String FROM = "OPENTIER_SMTP_FROM";
  public static final String STARTTLS = "OPENTIER_SMTP_STARTTLS";
  public static final String DROP_DIR = "OPENTIER_MAIL_DIR";
  private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
  private static final Logger log = LoggerFactory.getLogger(Mailer.class);

  private final Optional<Session> session;
  private final String from;
  private final Path drop;

  public Mailer(Settings settings) {
    this.from = settings.string(FROM, "OpenTier <no-reply@localhost>");
    this.drop = Path.of(settings.string(DROP_DIR, "var/mail")).toAbsolutePath().normalize();
    Optional<String> host = settings.optional(HOST);
    if (host.isEmpty()) {
      this.session = Optional.empty();
      return;
    }
    Properties props = new Properties();
    props.put("mail.smtp.host", host.get());
    props.put("mail.smtp.port", Integer.toString(settings.port(PORT, 587)));
    props.put("mail.smtp.starttls.enable", settings.string(STARTTLS, "true"));
    props.put("mail.smtp.connectiontimeout", "10000");
    props.put("mail.smtp.timeout", "10000");
    Optional<String> user = settings.optional(USERNAME);
    String password = settings.string(PASSWORD, "");
    props.put("mail.smtp.auth", Boolean.toString(user.isPresent()));
    this.session = Optional.of(Session.getInstance(props, user.isEmpty() ? null : new Authenticator() {
      @Override
      protected PasswordAuthentication getPasswordAuthentication() {
        return new PasswordAuthentication(user.get(), password);
      }
    }));
  }

  public void send(String to, String subject, String text) {
    if (session.isEmpty()) {
      drop(to, subject, text);
      return;
    }
    try {
      MimeMessage message = new MimeMessage(session.get());
      message.setFrom(new InternetAddress(from));
      message.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to, true));
      message.setSubject(subject, "UTF-8");
      message.setText(text, "UTF-8");
      Transport.send(message);
    } catch (MessagingException e) {
      // The caller's answer must not depend on the mail server; the failure is for operators.
      log.error("sending '{}' to {} failed: {}", subject, to, e.getMessage());
    }
  }

  /** The mail drop: one file per message, readable by this service's user only. */
  private void drop(String to, String subject, String text) {
    try {
      if (!Files.isDirectory(drop)) Files.createDirectories(drop, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
      Files.setPosixFilePermissions(drop, OWNER_ONLY_DIR);
      Path file = drop.resolve(Instant.now().toString().replace(':', '-') + "-" + UUID.randomUUID() + ".eml");
      String message = "From: " + from + "\nTo: " + to + "\nSubject: " + subject + "\n\n" + text + "\n";
      Files.writeString(Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE)), message, StandardCharsets.UTF_8);
      log.info("no SMTP server configured ({}); an e-mail ('{}') was written to the mail drop {}", HOST, subject, file);
    } catch (IOException | UnsupportedOperationException e) {
      log.error("no SMTP server configured ({}) and the mail drop {} cannot be written ({}); the e-mail '{}' was not sent",
          HOST, drop, e.getMessage(), subject);
    }
  }
}
