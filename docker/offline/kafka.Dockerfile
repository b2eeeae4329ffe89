# Apache Kafka from Maven Central's jars on a Debian root: a stand-in for apache/kafka where no
# image registry can be reached, configured the same way (KAFKA_* variables, CLUSTER_ID).
ARG OPENTIER_BASE_IMAGE
FROM ${OPENTIER_BASE_IMAGE}
RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends openjdk-21-jre-headless \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 1000 --user-group --home-dir /var/lib/kafka --create-home appuser \
 && install -d -o appuser -g appuser /var/lib/kafka/data /opt/kafka/config
COPY lib/ /opt/kafka/libs/
COPY log4j2.properties /opt/kafka/config/log4j2.properties
COPY kafka-entrypoint /usr/local/bin/kafka-entrypoint
USER appuser
ENTRYPOINT ["/usr/local/bin/kafka-entrypoint"]
