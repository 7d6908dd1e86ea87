// Starts what the int and e2e tiers need (the Kafka broker, once issue 4 lands).
module.exports = async () => {};
