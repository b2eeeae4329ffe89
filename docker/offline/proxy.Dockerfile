# nginx from Debian's packages: a stand-in for the nginx image where no registry can be reached
# (the same configuration directory, /etc/nginx/conf.d).
ARG OPENTIER_BASE_IMAGE
FROM ${OPENTIER_BASE_IMAGE}
RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nginx \
 && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/default \
 && ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log
CMD ["nginx", "-g", "daemon off;"]
