#!/usr/bin/perl
# Mail::DKIM peer harness: verify messages offline with Mail::DKIM
# (Debian libmail-dkim-perl).
#
# usage: maildkim_verify.pl --keys keys.jsonl --now UNIX_SECONDS [--shard K/N] [--strict] PATH...
#
# PATH: a Maildir (cur/ + new/ merged in file-name order, tmp/ and dot-files
# ignored), any other directory (recursive, sorted, dot-files skipped), or one
# message file.  With --shard K/N only the messages whose position in the whole
# list is congruent to K modulo N are verified (run N processes for N cores).
#
# Output: one JSON line per message, in input order:
#   {"file": PATH, "index": POSITION, "pass": BOOL,
#    "signatures": [{"d": ..., "s": ..., "result": ..., "detail": ...}], "error": ...}
# "result" is Mail::DKIM's own word (pass, fail, invalid, temperror, none...),
# "detail" its result_detail(); "pass" is true when any signature passes.
#
# Keys come from keys.jsonl: Mail::DKIM::DNS::query is replaced by a lookup in
# the cache (per name the latest snapshot not later than --now), answered as
# Net::DNS would: NXDOMAIN / NOERROR without TXT -> empty list; SERVFAIL,
# TIMEOUT and names missing from the cache die with "DNS error", which
# Mail::DKIM reports as temperror.  time() is pinned to --now (x= and t= are
# checked against it).  Options: Mail::DKIM defaults (not Strict: rsa-sha1 and
# keys under 1024 bits are accepted); --strict sets Strict => 1 (RFC 8301).
# Mail::DKIM needs CRLF input: every bare LF is turned into CRLF first.
use strict;
use warnings;
our $NOW;
BEGIN { *CORE::GLOBAL::time = sub () { defined $NOW ? $NOW : CORE::time() }; }
use Fcntl qw(:mode);
use Getopt::Long qw(GetOptions);
use JSON::PP;
use Time::Local qw(timegm);
use Net::DNS;
use Mail::DKIM::Verifier;

my ($keys_path, $now_arg, $shard, $strict) = (undef, undef, '0/1', 0);
GetOptions('keys=s' => \$keys_path, 'now=s' => \$now_arg, 'shard=s' => \$shard, 'strict' => \$strict)
  or usage();
usage() unless defined $keys_path && defined $now_arg && @ARGV;
my ($SK, $SN) = $shard =~ m{^(\d+)/(\d+)$} or usage();
usage() unless $SN >= 1 && $SK < $SN;

sub usage {
    print STDERR "usage: $0 --keys keys.jsonl --now UNIX_SECONDS [--shard K/N] [--strict] PATH...\n";
    exit 2;
}

sub iso {
    my ($s) = @_;
    my ($Y, $M, $D, $h, $m, $sec) = $s =~ /^(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)Z$/ or die "bad time $s\n";
    return timegm($sec, $m, $h, $D, $M - 1, $Y);
}

$NOW = $now_arg =~ /^-?\d+$/ ? $now_arg + 0 : iso($now_arg);

# ---- key cache: name -> latest snapshot not later than $NOW ----
my $json = JSON::PP->new->canonical;
my %best;
open(my $kf, '<', $keys_path) or die "$keys_path: $!\n";
while (my $l = <$kf>) {
    next unless $l =~ /\S/;
    my $r  = $json->decode($l);
    my $at = iso($r->{fetched_at});
    next if $at > $NOW;
    (my $name = lc $r->{name}) =~ s/\.$//;
    $best{$name} = [$at, $r] if !$best{$name} || $at >= $best{$name}[0];
}
close $kf;
my %rrs;    # name -> [TXT RRs], built once
{
    no warnings 'redefine';
    *Mail::DKIM::DNS::query = sub {
        my ($domain, $type) = @_;
        (my $name = lc $domain) =~ s/\.$//;
        my $b = $best{$name};
        die "DNS error: not in key cache\n" unless $b;
        my $rec = $b->[1];
        if ($rec->{rcode} eq 'NXDOMAIN') { $@ = 'NXDOMAIN'; return; }
        die "DNS error: $rec->{rcode}\n" if $rec->{rcode} ne 'NOERROR';
        my $rr = $rrs{$name} ||= [map { Net::DNS::RR->new(name => $domain, type => 'TXT', txtdata => $_) } @{ $rec->{txt} }];
        $@ = @$rr ? 'NOERROR' : 'NODATA';
        return @$rr;
    };
}

# ---- inputs ----
sub entries {
    my ($d) = @_;
    opendir(my $dh, $d) or do { warn "$d: $!\n"; return () };
    my @e = sort grep { $_ ne '.' && $_ ne '..' } readdir $dh;
    closedir $dh;
    return @e;
}
sub join_path { my ($d, $n) = @_; return $d =~ m{/$} ? "$d$n" : "$d/$n" }
sub real_dir { my @st = lstat $_[0]; return @st && S_ISDIR($st[2]) }
sub is_maildir { return real_dir(join_path($_[0], 'cur')) || real_dir(join_path($_[0], 'new')) }

sub list_maildir {
    my ($d, $out) = @_;
    my @files;
    for my $sub ('cur', 'new') {
        my $sd = join_path($d, $sub);
        next unless real_dir($sd);
        for my $n (entries($sd)) {
            next if $n =~ /^\./;
            my $p = join_path($sd, $n);
            push @files, [$n, $p] if -f $p;
        }
    }
    push @$out, map { $_->[1] } sort { $a->[0] cmp $b->[0] || $a->[1] cmp $b->[1] } @files;
    for my $n (entries($d)) {    # Maildir++ sub-folders (.Name/)
        my $p = join_path($d, $n);
        list_maildir($p, $out) if $n =~ /^\./ && $n ne '.' && $n ne '..' && real_dir($p) && is_maildir($p);
    }
}

sub list_tree {
    my ($d, $out) = @_;
    for my $n (entries($d)) {
        next if $n =~ /^\./;
        my $p = join_path($d, $n);
        if (real_dir($p)) { is_maildir($p) ? list_maildir($p, $out) : list_tree($p, $out) }
        elsif (-f $p) { push @$out, $p }
    }
}

my @files;
for my $p (@ARGV) {
    if (-d $p) { is_maildir($p) ? list_maildir($p, \@files) : list_tree($p, \@files) }
    else { push @files, $p }
}

# ---- verify ----
binmode STDOUT;
$| = 0;
my $ascii = JSON::PP->new->canonical->ascii;
for my $pos (0 .. $#files) {
    next unless $pos % $SN == $SK;
    my $path = $files[$pos];
    my %rec = (file => $path, index => $pos + 0, pass => JSON::PP::false, signatures => []);
    my $data;
    if (open(my $mf, '<:raw', $path)) {
        local $/;
        $data = <$mf>;
        close $mf;
        $data = '' unless defined $data;
    } else {
        $rec{error} = "cannot read: $!";
        print $ascii->encode(\%rec), "\n";
        next;
    }
    $data =~ s/\r?\n/\r\n/g;
    my $ok = eval {
        my $v = Mail::DKIM::Verifier->new($strict ? (Strict => 1) : ());
        $v->PRINT($data);
        $v->CLOSE;
        for my $s ($v->signatures) {
            my $res = $s->result // 'none';
            push @{ $rec{signatures} }, {
                d => scalar $s->domain, s => scalar $s->selector,
                result => $res, detail => ($s->result_detail // ''),
            };
            $rec{pass} = JSON::PP::true if $res eq 'pass';
        }
        1;
    };
    unless ($ok) { (my $e = $@ // 'unknown error') =~ s/\s+$//; $rec{error} = "Mail::DKIM died: $e"; }
    print $ascii->encode(\%rec), "\n";
}
