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
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends account e-mail over SMTP (Jakarta Mail). Without {@code OPENTIER_SMTP_HOST} the message,
 * link included, is written to the log instead, so a local installation works without a mail server.
 */
public final class Mailer {
  public static final String HOST = "OPENTIER_SMTP_HOST";
  public static final String PORT = "OPENTIER_SMTP_PORT";
  public static final String USERNAME = "OPENTIER_SMTP_USERNAME";
  public static final String PASSWORD = "OPENTIER_SMTP_PASSWORD";
  public static final String FROM = "OPENTIER_SMTP_FROM";
  public static final String STARTTLS = "OPENTIER_SMTP_STARTTLS";
  private static final Logger log = LoggerFactory.getLogger(Mailer.class);

  private final Optional<Session> session;
  private final String from;

  public Mailer(Settings settings) {
    this.from = settings.string(FROM, "OpenTier <no-reply@localhost>");
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
      log.info("no SMTP server configured ({}); the e-mail to {} would say:\n{}\n{}", HOST, to, subject, text);
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
}
