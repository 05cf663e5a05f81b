"""Phone-call transports: Twilio Media Streams and Asterisk AudioSocket."""
