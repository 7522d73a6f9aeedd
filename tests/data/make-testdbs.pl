#!/usr/bin/perl
# Writes the test databases of juris with MaxMind's own writer (see README.md
# here): the same documentation-range mapping in two schemas, plus edge and
# hostile files for the compiler's bad-input tests.
#
# usage: perl tests/data/make-testdbs.pl OUTDIR
use strict;
use warnings;

use File::Basename qw(dirname);
use File::Temp qw(tempfile);
use IO::Compress::Gzip qw(gzip $GzipError);
use MaxMind::DB::Writer::Tree;

my $out = shift @ARGV or die "usage: $0 OUTDIR\n";
-d $out or mkdir $out or die "$0: cannot create $out: $!\n";

# The start of the current UTC day: two runs on one day write identical
# files, and the database is never old enough for juris to warn about its
# age (a warning line would break the tests that expect one line on stderr).
# The unit tests check it against the file's modification time.
my $BUILD_EPOCH = time() - time() % 86400;

my %TYPES = (
	country_code       => 'utf8_string',
	country            => 'map',
	registered_country => 'map',
	iso_code           => 'utf8_string',
	city               => 'utf8_string',
	names              => 'map',
	en                 => 'utf8_string',
	autonomous_system_number       => 'uint32',
	autonomous_system_organization => 'utf8_string',
);

# network => country ('' for none). Order matters: the writer's last insert
# wins where networks overlap (merge_strategy none), so a parent comes
# before the networks nested inside it.
my @NETWORKS = (
	[ '192.0.2.0/25',     'FR' ],
	[ '192.0.2.128/26',   'DE' ],
	[ '192.0.2.192/27',   'NO' ],
	[ '192.0.2.224/28',   'JP' ],
	[ '192.0.2.240/29',   'US' ],
	[ '198.51.100.0/24',  'US' ],
	[ '198.51.100.64/26', 'FR' ],
	[ '203.0.113.0/25',   'DE' ],
	[ '203.0.113.128/25', 'GP' ],
	[ '10.0.0.0/8',       'US' ],
	[ '2001:db8:1::/48',  'FR' ],
	[ '2001:db8:2::/48',  'DE' ],
	[ '2001:db8:3::/48',  'US' ],
	[ '2001:db8:4::/48',  'NO' ],
	[ '2001:db8:5::/48',  'JP' ],
	[ 'fd00::/8',         'US' ],
);

sub new_tree {
	my (%opt) = @_;
	my $tree = MaxMind::DB::Writer::Tree->new(
		ip_version               => 6,
		record_size              => 24,
		database_type            => 'juris-test-country',
		languages                => ['en'],
		description              => { en => 'juris test database (documentation ranges)' },
		remove_reserved_networks => 0,
		alias_ipv6_to_ipv4       => 1,
		merge_strategy           => 'none',
		map_key_type_callback    => sub { $TYPES{ $_[0] } // die "no type for key $_[0]\n" },
		_build_epoch             => $BUILD_EPOCH,
		%opt,
	);
	return $tree;
}

# Written beside the target and renamed over it, so that a concurrent test
# run never maps a half-written file.
sub write_file {
	my ($name, $bytes) = @_;
	my ($fh, $tmp) = tempfile("$name.XXXXXX", DIR => $out, UNLINK => 0);
	binmode $fh;
	print {$fh} $bytes or die "$0: write $tmp: $!\n";
	close $fh or die "$0: close $tmp: $!\n";
	chmod 0644, $tmp or die "$0: chmod $tmp: $!\n";
	rename $tmp, "$out/$name" or die "$0: rename $tmp: $!\n";
	print "wrote $out/$name (", length($bytes), " bytes)\n";
}

sub tree_bytes {
	my ($tree) = @_;
	open my $fh, '>:raw', \my $bytes or die;
	$tree->write_tree($fh);
	close $fh;
	return $bytes;
}

sub write_tree {
	my ($name, $tree) = @_;
	my $bytes = tree_bytes($tree);
	write_file($name, $bytes);
	return $bytes;
}

sub fill {
	my ($tree, $record) = @_;
	$tree->insert_network($_->[0], $record->($_->[1], $_->[0])) for @NETWORKS;
	return $tree;
}

# ip-location-db schema.
my $country = write_tree('test-country.mmdb',
	fill(new_tree(), sub { { country_code => $_[0] } }));

# GeoLite2-Country schema; one network has only registered_country, the
# fallback path (as GeoLite2 does for some anycast or satellite networks).
write_tree('test-geolite2.mmdb', fill(new_tree(database_type => 'GeoLite2-Country'), sub {
	my ($cc, $net) = @_;
	my $names = { names => { en => "country $cc" } };
	return { registered_country => { iso_code => $cc, %$names } }
		if $net eq '203.0.113.0/25';
	return { country => { iso_code => $cc, %$names },
		 registered_country => { iso_code => $cc, %$names } };
}));

# The same as test-country.mmdb without the IPv6 aliases of the IPv4
# subtree, like the real default database.
write_tree('test-noalias.mmdb',
	fill(new_tree(alias_ipv6_to_ipv4 => 0), sub { { country_code => $_[0] } }));

# gzip of test-country.mmdb, for the .mmdb.gz path and its size cap.
{
	my $gz;
	gzip(\$country => \$gz, Minimal => 1) or die "$0: gzip: $GzipError\n";
	write_file('test-country.mmdb.gz', $gz);
}

# IPv4-only database (ip_version 4): every network is IPv4.
{
	my $tree = new_tree(ip_version => 4, alias_ipv6_to_ipv4 => 0);
	$tree->insert_network('192.0.2.0/25', { country_code => 'FR' });
	$tree->insert_network('198.51.100.0/24', { country_code => 'US' });
	$tree->insert_network('203.0.113.0/24', { country_code => 'DE' });
	write_tree('test-ipv4only.mmdb', $tree);
}

# Records without any country field: the compiler must refuse the schema.
{
	my $tree = new_tree();
	$tree->insert_network('192.0.2.0/24', { city => 'x' });
	$tree->insert_network('2001:db8:1::/48', { city => 'y' });
	write_tree('test-unknown-schema.mmdb', $tree);
}

# Country codes in odd shapes: lower case is accepted (upper-cased), a code
# that is not two ASCII letters counts as no country.
{
	my $tree = new_tree();
	$tree->insert_network('192.0.2.0/25', { country_code => 'fr' });
	$tree->insert_network('192.0.2.128/25', { country_code => 'FRA' });
	$tree->insert_network('198.51.100.0/24', { country_code => '1A' });
	$tree->insert_network('203.0.113.0/24', { country_code => '' });
	$tree->insert_network('2001:db8:1::/48', { country_code => 'De' });
	write_tree('test-odd-codes.mmdb', $tree);
}

# An IPv6 network that covers the whole IPv4 subtree (::/96 inside ::/64):
# libmaxminddb answers FR for every IPv4 address, and so must juris.
{
	my $tree = new_tree(alias_ipv6_to_ipv4 => 0);
	$tree->insert_network('::/64', { country_code => 'FR' });
	$tree->insert_network('2001:db8:2::/48', { country_code => 'DE' });
	write_tree('test-v4-covered.mmdb', $tree);
}

# A database without a single network.
write_tree('test-no-networks.mmdb', new_tree());

# test-country.mmdb with one range moved: 192.0.2.128/26 and
# 2001:db8:2::/48 are US instead of DE. The reload tests switch between
# the two: every packet to those ranges is judged by one database or the
# other.
write_tree('test-reload-b.mmdb', fill(new_tree(), sub {
	my ($cc, $net) = @_;
	return { country_code => ($net eq '192.0.2.128/26' || $net eq '2001:db8:2::/48')
		 ? 'US' : $cc };
}));

# GeoLite2-ASN schema, for the operator overlay; one record has no number.
{
	my $tree = new_tree(database_type => 'GeoLite2-ASN');
	my @asn = (
		[ '192.0.2.0/25',    16509, 'Amazon.com, Inc.' ],
		[ '192.0.2.128/25',  16276, 'OVH SAS' ],
		[ '198.51.100.0/24', 64500, 'Documentation AS' ],
		[ '2001:db8:1::/48', 16509, 'Amazon.com, Inc.' ],
		[ '2001:db8:2::/48', 16276, 'OVH SAS' ],
	);
	$tree->insert_network($_->[0], { autonomous_system_number => $_->[1],
					 autonomous_system_organization => $_->[2] }) for @asn;
	$tree->insert_network('203.0.113.0/24', { autonomous_system_organization => 'no number' });
	write_tree('test-asn.mmdb', $tree);
}

# The CSV fixture asn-test.csv beside the databases, and its gzip, for the
# two paths of the CSV reader.
{
	my $csv = dirname(__FILE__) . '/asn-test.csv';
	open my $fh, '<:raw', $csv or die "$0: $csv: $!\n";
	my $text = do { local $/; <$fh> };
	close $fh;
	write_file('asn-test.csv', $text);
	my $gz;
	gzip(\$text => \$gz, Minimal => 1) or die "$0: gzip: $GzipError\n";
	write_file('asn-test.csv.gz', $gz);
}
