// a=candidate (RFC 8839 §5.1) and TCP candidates (RFC 6544 §4.5).
#include <gtest/gtest.h>

#include "sdp/session_description.hpp"

namespace bailanys::sdp {
namespace {

TEST(Candidate, RfcHostAndServerReflexive) {
  // RFC 8839 §5.1 / RFC 8445 examples.
  const auto host = parse_candidate("candidate:1 1 UDP 2130706431 203.0.113.141 8998 typ host");
  ASSERT_TRUE(host);
  EXPECT_EQ(host->foundation, "1");
  EXPECT_EQ(host->component, 1u);
  EXPECT_EQ(host->transport, "udp");
  EXPECT_EQ(host->priority, 2130706431u);
  EXPECT_EQ(host->address, "203.0.113.141");
  EXPECT_EQ(host->port, 8998);
  EXPECT_EQ(host->type, "host");
  EXPECT_EQ(serialize_candidate(*host), "candidate:1 1 udp 2130706431 203.0.113.141 8998 typ host");

  const auto srflx = parse_candidate(
      "candidate:2 1 UDP 1694498815 192.0.2.3 45664 typ srflx raddr 203.0.113.141 rport 8998");
  ASSERT_TRUE(srflx);
  EXPECT_EQ(srflx->type, "srflx");
  EXPECT_EQ(srflx->related_address, "203.0.113.141");
  EXPECT_EQ(srflx->related_port, 8998);
}

TEST(Candidate, TcpTypes) {
  // RFC 6544 §4.5: tcptype active/passive/so.
  const auto passive =
      parse_candidate("a=candidate:3 1 TCP 2128609279 10.0.1.1 9999 typ host tcptype passive");
  ASSERT_TRUE(passive);
  EXPECT_EQ(passive->transport, "tcp");
  EXPECT_EQ(passive->tcp_type, "passive");
  const auto so = parse_candidate("4 1 tcp 2124414975 10.0.1.1 9 typ host tcptype so");
  ASSERT_TRUE(so);
  EXPECT_EQ(so->tcp_type, "so");
  EXPECT_FALSE(parse_candidate("5 1 tcp 1 10.0.1.1 9 typ host tcptype sideways"));
}

TEST(Candidate, ChromiumLineWithExtensionsRoundTrips) {
  const std::string line =
      "candidate:1557463727 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active generation 0 "
      "network-id 1 network-cost 50";
  const auto c = parse_candidate(line);
  ASSERT_TRUE(c);
  ASSERT_EQ(c->extensions.size(), 3u);
  EXPECT_EQ(c->extensions[1], (std::pair<std::string, std::string>{"network-id", "1"}));
  EXPECT_EQ(serialize_candidate(*c), line);
  EXPECT_EQ(parse_candidate(serialize_candidate(*c)), c);
}

TEST(Candidate, IPv6AndMdnsAddresses) {
  const auto v6 = parse_candidate("candidate:7 1 udp 2122262783 ::1 50000 typ host");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->address, "::1");
  const auto mdns = parse_candidate(
      "candidate:8 1 udp 2122262783 0b7e55a4-39b4-4c4d-9d35-5b6a5a9a1c7e.local 50000 typ host");
  ASSERT_TRUE(mdns);
  EXPECT_TRUE(mdns->address.ends_with(".local"));
}

TEST(Candidate, RejectsMalformedAndEveryTruncation) {
  for (const char* bad :
       {"", "candidate:", "candidate:1 1 udp 1 1.2.3.4 5 host",
        "candidate:1 0 udp 1 1.2.3.4 5 typ host", "candidate:1 1 udp 4294967296 1.2.3.4 5 typ host",
        "candidate:1 1 udp 1 1.2.3.4 65536 typ host",
        "candidate:1 1 udp 1 1.2.3.4 5 typ host raddr",
        "candidate:1 1 udp 1 1.2.3.4 5 typ host rport x",
        "candidate:x_y 1 udp 1 1.2.3.4 5 typ host",
        "candidate:123456789012345678901234567890123 1 udp 1 1.2.3.4 5 typ host"}) {
    EXPECT_FALSE(parse_candidate(bad)) << bad;
  }
  const std::string line =
      "candidate:2 1 UDP 1694498815 192.0.2.3 45664 typ srflx raddr 203.0.113.141 rport 8998";
  for (std::size_t n = 0; n < line.size(); ++n) {
    const auto c = parse_candidate(line.substr(0, n));
    if (c) {
      EXPECT_EQ(parse_candidate(serialize_candidate(*c)), c) << n;  // e.g. a shorter port
    }
  }
}

}  // namespace
}  // namespace bailanys::sdp
