/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of webauthn: registrations and assertions from published
 * vectors verify, and each thing the RP must check is refused when it is
 * wrong.
 *
 * Vectors (embedded, none are in /work/shared/testdata):
 *   - the W3C WebAuthn Level 3 editor's draft, section "Test Vectors",
 *     https://github.com/w3c/webauthn/blob/146d0db03cb88e69a8f6f0c3c168221abe73504b/index.bs
 *     (RP ID example.org, origin https://example.org), hex as published;
 *   - py_webauthn's tests,
 *     https://github.com/duo-labs/py_webauthn/blob/b4bf63ffe3332b70414cb7bf4a892ee6877e9f7f/tests/
 *     (RP ID localhost, origin http://localhost:5000), base64url as
 *     published.
 * Most W3C vectors were made without UV (their flags are random), so those
 * run through webauthn_int.h's *_uv calls with UV optional, and are also
 * shown refused by the public calls (custos's policy: UV required).  The W3C RS256 vector uses a 3482-bit modulus,
 * which libfido2 (RSA-2048 only) cannot load; py_webauthn's RS256
 * assertion covers RS256.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "webauthn/webauthn.h"
#include "webauthn/webauthn_int.h"

#define BUF_MAX 16384

struct vector {
	const char *reg_challenge, *client_data_create, *attestation;
	const char *cred_id, *aaguid;
	const char *auth_challenge, *client_data_get, *auth_data, *sig;
};

struct b64vector {
	const char *challenge, *client_data, *attestation, *id;
	const char *auth_data, *sig, *cose_key;
};

/* W3C WebAuthn L3 test vector none-es256 (#sctn-test-vectors-none-es256):
 * https://github.com/w3c/webauthn/blob/146d0db03cb88e69a8f6f0c3c168221abe73504b/index.bs */
static const struct vector V_NONE_ES256 = {
	.reg_challenge =
	    "00c30fb78531c464d2b6771dab8d7b603c01162f2fa486bea70f283ae556e130",
	.client_data_create =
	    "7b2274797065223a22776562617574686e2e637265617465222c226368616c6c"
	    "656e6765223a22414d4d507434557878475453746e6364713431375944774246"
	    "6938767049612d7077386f4f755657345441222c226f726967696e223a226874"
	    "7470733a2f2f6578616d706c652e6f7267222c2263726f73734f726967696e22"
	    "3a66616c73652c22657874726144617461223a22636c69656e74446174614a53"
	    "4f4e206d617920626520657874656e6465642077697468206164646974696f6e"
	    "616c206669656c647320696e20746865206675747572652c2073756368206173"
	    "20746869733a20426b5165446a646354427258426941774a544c453551227d",
	.attestation =
	    "a363666d74646e6f6e656761747453746d74a068617574684461746158a4bfab"
	    "c37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b55900"
	    "0000008446ccb9ab1db374750b2367ff6f3a1f0020f91f391db4c9b2fde0ea70"
	    "189cba3fb63f579ba6122b33ad94ff3ec330084be4a5010203262001215820af"
	    "efa16f97ca9b2d23eb86ccb64098d20db90856062eb249c33a9b672f26df6122"
	    "5820930a56b87a2fca66334b03458abf879717c12cc68ed73290af2e2664796b"
	    "9220",
	.cred_id =
	    "f91f391db4c9b2fde0ea70189cba3fb63f579ba6122b33ad94ff3ec330084be4",
	.aaguid =
	    "8446ccb9ab1db374750b2367ff6f3a1f",
	.auth_challenge =
	    "39c0e7521417ba54d43e8dc95174f423dee9bf3cd804ff6d65c857c9abf4d408",
	.client_data_get =
	    "7b2274797065223a22776562617574686e2e676574222c226368616c6c656e67"
	    "65223a224f63446e55685158756c5455506f334a5558543049393770767a7a59"
	    "425039745a63685879617630314167222c226f726967696e223a226874747073"
	    "3a2f2f6578616d706c652e6f7267222c2263726f73734f726967696e223a6661"
	    "6c73657d",
	.auth_data =
	    "bfabc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b5"
	    "1900000000",
	.sig =
	    "3046022100f50a4e2e4409249c4a853ba361282f09841df4dd4547a13a877802"
	    "18deffcd380221008480ac0f0b93538174f575bf11a1dd5d78c6e486013f9372"
	    "95ea13653e331e87",
};

/* W3C WebAuthn L3 test vector packed-self-es256 (#sctn-test-vectors-packed-self-es256):
 * https://github.com/w3c/webauthn/blob/146d0db03cb88e69a8f6f0c3c168221abe73504b/index.bs */
static const struct vector V_PACKED_SELF_ES256 = {
	.reg_challenge =
	    "7869c2b772d4b58eba9378cf8f29e26cf935aa77df0da89fa99c0bdc0a76f7e5",
	.client_data_create =
	    "7b2274797065223a22776562617574686e2e637265617465222c226368616c6c"
	    "656e6765223a2265476e4374334c55745936366b336a506a796e6962506b3171"
	    "6e666644616966715a774c33417032392d55222c226f726967696e223a226874"
	    "7470733a2f2f6578616d706c652e6f7267222c2263726f73734f726967696e22"
	    "3a66616c73652c22657874726144617461223a22636c69656e74446174614a53"
	    "4f4e206d617920626520657874656e6465642077697468206164646974696f6e"
	    "616c206669656c647320696e20746865206675747572652c2073756368206173"
	    "20746869733a205539685458764b453255526b4d6e625f307859485667227d",
	.attestation =
	    "a363666d74667061636b65646761747453746d74a263616c6726637369675846"
	    "30440220067a20754ab925005dbf378097c92120031581c73228d1fb4f5b881b"
	    "cd7da98302207fc7b147558c7c0eba3af18bd9d121fa3d3a26d17fe3f2202721"
	    "78f473b6006d68617574684461746158a4bfabc37432958b063360d3ad6461c9"
	    "c4735ae7f8edd46592a5e0f01452b2e4b55d00000000df850e09db6afbdfab51"
	    "697791506cfc0020455ef34e2043a87db3d4afeb39bbcb6cc32df9347c789a86"
	    "5ecdca129cbef58ca5010203262001215820eb151c8176b225cc651559fecf07"
	    "af450fd85802046656b34c18f6cf193843c5225820927b8aa427a2be1b8834d2"
	    "33a2d34f61f13bfd44119c325d5896e183fee484f2",
	.cred_id =
	    "455ef34e2043a87db3d4afeb39bbcb6cc32df9347c789a865ecdca129cbef58c",
	.aaguid =
	    "df850e09db6afbdfab51697791506cfc",
	.auth_challenge =
	    "4478a10b1352348dd160c1353b0d469b5db19eb91c27f7dfa6fed39fe26af20b",
	.client_data_get =
	    "7b2274797065223a22776562617574686e2e676574222c226368616c6c656e67"
	    "65223a225248696843784e534e493352594d45314f7731476d3132786e726b63"
	    "4a5f6666707637546e2d4a71386773222c226f726967696e223a226874747073"
	    "3a2f2f6578616d706c652e6f7267222c2263726f73734f726967696e223a6661"
	    "6c73652c22657874726144617461223a22636c69656e74446174614a534f4e20"
	    "6d617920626520657874656e6465642077697468206164646974696f6e616c20"
	    "6669656c647320696e20746865206675747572652c2073756368206173207468"
	    "69733a206754623533727a36456853576f6d58477a696d433151227d",
	.auth_data =
	    "bfabc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b5"
	    "0900000000",
	.sig =
	    "304402203310b9431903c401f1be2bdc8d23a4007682dbbddcf846994947b7f4"
	    "65daf84002204e94dd00047b316061b3b99772b7efd95994a83ef584b3b6b825"
	    "ea3550251b66",
};

/* W3C WebAuthn L3 test vector none-es256-crossOrigin (#sctn-test-vectors-none-es256-crossOrigin):
 * https://github.com/w3c/webauthn/blob/146d0db03cb88e69a8f6f0c3c168221abe73504b/index.bs */
static const struct vector V_NONE_ES256_CROSSORIGIN = {
	.reg_challenge =
	    "3be5aacd03537142472340ab5969f240f1d87716e20b6807ac230655fa4b3b49",
	.client_data_create =
	    "7b2274797065223a22776562617574686e2e637265617465222c226368616c6c"
	    "656e6765223a224f2d57717a514e5463554a484930437257576e795150485964"
	    "7862694332674872434d475666704c4f306b222c226f726967696e223a226874"
	    "7470733a2f2f6578616d706c652e6f7267222c2263726f73734f726967696e22"
	    "3a747275652c22657874726144617461223a22636c69656e74446174614a534f"
	    "4e206d617920626520657874656e6465642077697468206164646974696f6e61"
	    "6c206669656c647320696e20746865206675747572652c207375636820617320"
	    "746869733a207a5a7175457444523944577170573574425754467567227d",
	.attestation =
	    "a363666d74646e6f6e656761747453746d74a068617574684461746158a4bfab"
	    "c37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b54500"
	    "000000883f4f6014f19c09d87aa38123be48d000206e1050c0d2ca2f07c755cb"
	    "2c66a74c64fa43065c18f938354d9915db2bd5ce57a501020326200121582022"
	    "200a473f90b11078851550d03b4e44a2279f8c4eca27b3153dedfe03e4e97d22"
	    "5820cbd0be95e746ad6f5a8191be11756e4c0420e72f65b466d39bc56b8b123a"
	    "9c6e",
	.cred_id =
	    "6e1050c0d2ca2f07c755cb2c66a74c64fa43065c18f938354d9915db2bd5ce57",
	.aaguid =
	    "883f4f6014f19c09d87aa38123be48d0",
	.auth_challenge =
	    "876aa517ba83fdee65fcffdbca4c84eeae5d54f8041a1fc85c991e5bbb273137",
	.client_data_get =
	    "7b2274797065223a22776562617574686e2e676574222c226368616c6c656e67"
	    "65223a226832716c463771445f65356c5f505f62796b79453771356456506745"
	    "47685f49584a6b655737736e4d5463222c226f726967696e223a226874747073"
	    "3a2f2f6578616d706c652e6f7267222c2263726f73734f726967696e223a7472"
	    "75652c22657874726144617461223a22636c69656e74446174614a534f4e206d"
	    "617920626520657874656e6465642077697468206164646974696f6e616c2066"
	    "69656c647320696e20746865206675747572652c207375636820617320746869"
	    "733a2039327063545644304162792d713464746d6a36656667227d",
	.auth_data =
	    "bfabc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b5"
	    "0500000000",
	.sig =
	    "3046022100eb12fcf23b12764c0f122e22371fab92e283879fd798f38ee1841c"
	    "951b6e40e7022100c76237ff9db77b3c56f30837cda6a09acfa2e915544e609c"
	    "0733b1184036d1cf",
};

/* W3C WebAuthn L3 test vector none-es256-topOrigin (#sctn-test-vectors-none-es256-topOrigin):
 * https://github.com/w3c/webauthn/blob/146d0db03cb88e69a8f6f0c3c168221abe73504b/index.bs */
static const struct vector V_NONE_ES256_TOPORIGIN = {
	.reg_challenge =
	    "4e1f4c6198699e33c14f192153f49d7e0e8e3577d5ac416c5f3adc92a41f27e5",
	.client_data_create =
	    "7b2274797065223a22776562617574686e2e637265617465222c226368616c6c"
	    "656e6765223a225468394d595a68706e6a504254786b68555f53646667364f4e"
	    "58665672454673587a72636b7151664a2d55222c226f726967696e223a226874"
	    "7470733a2f2f6578616d706c652e6f7267222c2263726f73734f726967696e22"
	    "3a747275652c22746f704f726967696e223a2268747470733a2f2f6578616d70"
	    "6c652e636f6d227d",
	.attestation =
	    "a363666d74646e6f6e656761747453746d74a068617574684461746158a4bfab"
	    "c37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b54100"
	    "00000097586fd09799a76401c200455099ef2a0020b8ad59b996047ab18e2ceb"
	    "57206c362da57458793481f4a8ebf101c7ca7cc0f1a5010203262001215820a1"
	    "c47c1d82da4ebe82cd72207102b380670701993bc35398ae2e5726427fe01d22"
	    "582086c1080d82987028c7f54ecb1b01185de243b359294a0ed210cd47480f0a"
	    "dc88",
	.cred_id =
	    "b8ad59b996047ab18e2ceb57206c362da57458793481f4a8ebf101c7ca7cc0f1",
	.aaguid =
	    "97586fd09799a76401c200455099ef2a",
	.auth_challenge =
	    "d54a5c8ca4b62a8e3bb321e3b2bc73856f85a10150db2939ac195739eb1ea066",
	.client_data_get =
	    "7b2274797065223a22776562617574686e2e676574222c226368616c6c656e67"
	    "65223a22315570636a4b53324b6f34377379486a7372787a68572d466f514651"
	    "32796b3572426c584f6573656f4759222c226f726967696e223a226874747073"
	    "3a2f2f6578616d706c652e6f7267222c2263726f73734f726967696e223a7472"
	    "75652c22746f704f726967696e223a2268747470733a2f2f6578616d706c652e"
	    "636f6d222c22657874726144617461223a22636c69656e74446174614a534f4e"
	    "206d617920626520657874656e6465642077697468206164646974696f6e616c"
	    "206669656c647320696e20746865206675747572652c20737563682061732074"
	    "6869733a205569466f4a4d56525148444146574669347678557051227d",
	.auth_data =
	    "bfabc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b5"
	    "0500000000",
	.sig =
	    "3045022100b5a70c81780d5fcc9a4f2ae9caae99058f8accaf58b91fb5932964"
	    "6c28ac6ffc022012e101c165db3c8e9957f0c54dd6ca9b56bc3bd2f280bd2faa"
	    "6c1d02c6e5c171",
};

/* W3C WebAuthn L3 test vector none-es256-long-credential-id (#sctn-test-vectors-none-es256-long-credential-id):
 * https://github.com/w3c/webauthn/blob/146d0db03cb88e69a8f6f0c3c168221abe73504b/index.bs */
static const struct vector V_NONE_ES256_LONG_CREDENTIAL_ID = {
	.reg_challenge =
	    "1113c7265ccf5e65124282fa1d7819a7a14cb8539aa4cdbec7487e5f35d8ec6c",
	.client_data_create =
	    "7b2274797065223a22776562617574686e2e637265617465222c226368616c6c"
	    "656e6765223a22455250484a6c7a50586d5553516f4c364858675a7036464d75"
	    "464f61704d322d7830682d587a5859374777222c226f726967696e223a226874"
	    "7470733a2f2f6578616d706c652e6f7267222c2263726f73734f726967696e22"
	    "3a66616c73657d",
	.attestation =
	    "a363666d74646e6f6e656761747453746d74a0686175746844617461590483bf"
	    "abc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b549"
	    "000000008f3360c2cd1b0ac14ffe0795c5d2638e03ff3a761a4e1674ad6c4305"
	    "869435c0eee9c286172c229bb91b48b4ada140c0863417031305cce5b4a27a88"
	    "d7fe728a5f5a627de771b4b40e77f187980c124f9fe832d7136010436a056cce"
	    "716680587d23187cf1fc2c62ae86fc3e508ee9617ffc74fbc10488ec16ec5e90"
	    "96328669a898709b655e549738c666c1ae6281dc3b5f733c251d3eefb76ee70a"
	    "3805ca91bcc18e49c8dc7f63ebcb486ba8c3d6ab52b88ff72c6a5bb47c32f3ee"
	    "8683a3ddc8abf60870448ec8a21b5bdcb183c7dead870255575a6df96eb1b6a2"
	    "a1019780cba9e4887b17ff1164bbbcc10eb0d86ed75984cd3fa3419103024507"
	    "dfd9ce8f92c56af7914cb0bb50b87ba82a312bb7dcd93028dbdcd6adb2669796"
	    "67158335171e3682d37755701edbf9d872846a291d49e57ef09da1ec637f5052"
	    "ed2aa7407f7e61827468e94b461844f4c67be5fa9c6055a566f8fdfc29d4bf78"
	    "a9ff275f552cc68ba543fa3962eea36fd1ea8453764577d021d0a181efc1f610"
	    "0ab2e4110039e21ee16970bda7432b6134492155afc126295b3a2eccd12c66a6"
	    "8e340969e995e3e8c9c476e395cfc21203414110779474f1c9797406637dbe41"
	    "4f132519d3bf0ce4f01734ef0e1a12c3ad604ff15d766b1624db6a5a7ccbff7b"
	    "c35c9908df94aba277e0af48f04ff3d16381c47e5a37ed3988a67a3b1ecaa926"
	    "336b33391fff04128f869991c9fabd905b6fe3ceef5f8b630ec1c5d2636d5b19"
	    "61ad5ca5004170f6f5e482792aad989b0287fe91e5c479403397152f1fa56aa7"
	    "9b156eb47e6c8ea3eb175c34cfb38ad8e772874639b1023d4d01395c94e55831"
	    "671cc022aa6fa1e02a02c2e4abc776f6960e51f83b71a8c0f207b6a347573977"
	    "812c9aa5480b0011aa739bd4b76c18c000cc4757cceccb920f007c40c00e37e5"
	    "ab21476cd9f6054a8fffb55a108f5c706e2cea2049d81fd321ff47d2a5761b08"
	    "00955ab1d4f4889f55a84e2601c684f17a4ade7453ea49591d0b59c8d9a76505"
	    "2f62219cf6ef4a5dd9539f0617d6ebbebce7c000455475d18449e25c49ef9a1e"
	    "3efe18c09082ebe2058d7c347defaa92f0664553b805c7d76bbfce5f330aca22"
	    "0ac90a789380fc479ea0d8793205813cca590a912f699ad52f991a1bc0a503c3"
	    "ec4b2a696719e3c26591a87127f7305cc7e72f4c8e39355ebb06a5b1042990f3"
	    "8710ee7aa612ee4374bb82e878585a70a96c2a6b47f101a4ff154be4fd76a316"
	    "7577a5cc54d9167c154c69ac35485e44cc898b719e1be3cc9c0fb5624b8f8a0d"
	    "ae10947a41bf848b6c1bb33d1006ec077d7e286e3f2a7b4843716390119449fe"
	    "2721e81a5ed2333d331c7120765da58fadae73c19d9a8c4509cf8ac1e9d98b79"
	    "9a5274509069739b5823f3fb496663820033426988eefca53e580e0f9e0dfe09"
	    "92fc2e53a97e053639f98577058f995bdbd41cefdba50102032620012158203b"
	    "8176b7504489cc593046d7988abb7905a742de6ac2cdc748a873c663e90cb122"
	    "58201436d5edc9a75f23999eef9d5950a5c2455514ee1014084720f841a06b82"
	    "8a11",
	.cred_id =
	    "3a761a4e1674ad6c4305869435c0eee9c286172c229bb91b48b4ada140c08634"
	    "17031305cce5b4a27a88d7fe728a5f5a627de771b4b40e77f187980c124f9fe8"
	    "32d7136010436a056cce716680587d23187cf1fc2c62ae86fc3e508ee9617ffc"
	    "74fbc10488ec16ec5e9096328669a898709b655e549738c666c1ae6281dc3b5f"
	    "733c251d3eefb76ee70a3805ca91bcc18e49c8dc7f63ebcb486ba8c3d6ab52b8"
	    "8ff72c6a5bb47c32f3ee8683a3ddc8abf60870448ec8a21b5bdcb183c7dead87"
	    "0255575a6df96eb1b6a2a1019780cba9e4887b17ff1164bbbcc10eb0d86ed759"
	    "84cd3fa3419103024507dfd9ce8f92c56af7914cb0bb50b87ba82a312bb7dcd9"
	    "3028dbdcd6adb266979667158335171e3682d37755701edbf9d872846a291d49"
	    "e57ef09da1ec637f5052ed2aa7407f7e61827468e94b461844f4c67be5fa9c60"
	    "55a566f8fdfc29d4bf78a9ff275f552cc68ba543fa3962eea36fd1ea84537645"
	    "77d021d0a181efc1f6100ab2e4110039e21ee16970bda7432b6134492155afc1"
	    "26295b3a2eccd12c66a68e340969e995e3e8c9c476e395cfc212034141107794"
	    "74f1c9797406637dbe414f132519d3bf0ce4f01734ef0e1a12c3ad604ff15d76"
	    "6b1624db6a5a7ccbff7bc35c9908df94aba277e0af48f04ff3d16381c47e5a37"
	    "ed3988a67a3b1ecaa926336b33391fff04128f869991c9fabd905b6fe3ceef5f"
	    "8b630ec1c5d2636d5b1961ad5ca5004170f6f5e482792aad989b0287fe91e5c4"
	    "79403397152f1fa56aa79b156eb47e6c8ea3eb175c34cfb38ad8e772874639b1"
	    "023d4d01395c94e55831671cc022aa6fa1e02a02c2e4abc776f6960e51f83b71"
	    "a8c0f207b6a347573977812c9aa5480b0011aa739bd4b76c18c000cc4757ccec"
	    "cb920f007c40c00e37e5ab21476cd9f6054a8fffb55a108f5c706e2cea2049d8"
	    "1fd321ff47d2a5761b0800955ab1d4f4889f55a84e2601c684f17a4ade7453ea"
	    "49591d0b59c8d9a765052f62219cf6ef4a5dd9539f0617d6ebbebce7c0004554"
	    "75d18449e25c49ef9a1e3efe18c09082ebe2058d7c347defaa92f0664553b805"
	    "c7d76bbfce5f330aca220ac90a789380fc479ea0d8793205813cca590a912f69"
	    "9ad52f991a1bc0a503c3ec4b2a696719e3c26591a87127f7305cc7e72f4c8e39"
	    "355ebb06a5b1042990f38710ee7aa612ee4374bb82e878585a70a96c2a6b47f1"
	    "01a4ff154be4fd76a3167577a5cc54d9167c154c69ac35485e44cc898b719e1b"
	    "e3cc9c0fb5624b8f8a0dae10947a41bf848b6c1bb33d1006ec077d7e286e3f2a"
	    "7b4843716390119449fe2721e81a5ed2333d331c7120765da58fadae73c19d9a"
	    "8c4509cf8ac1e9d98b799a5274509069739b5823f3fb496663820033426988ee"
	    "fca53e580e0f9e0dfe0992fc2e53a97e053639f98577058f995bdbd41cefdb",
	.aaguid =
	    "8f3360c2cd1b0ac14ffe0795c5d2638e",
	.auth_challenge =
	    "ef1deba56dce48f674a447ccf63b9599258ce87648e5c396f2ef0ca1da460e3b",
	.client_data_get =
	    "7b2274797065223a22776562617574686e2e676574222c226368616c6c656e67"
	    "65223a22377833727057334f53505a307045664d396a75566d53574d36485a49"
	    "35634f573875384d6f647047446a73222c226f726967696e223a226874747073"
	    "3a2f2f6578616d706c652e6f7267222c2263726f73734f726967696e223a6661"
	    "6c73657d",
	.auth_data =
	    "bfabc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b5"
	    "0d00000000",
	.sig =
	    "304502203ecef83fb12a0cae7841055f9f87103a99fd14b424194bbf06c4623d"
	    "3ee6e3fd022100d2ace346db262b1374a6b70faa51f518a42ddca13a4125ce6f"
	    "5052a75bac9fb6",
};

/* W3C WebAuthn L3 test vector packed-es256 (#sctn-test-vectors-packed-es256):
 * https://github.com/w3c/webauthn/blob/146d0db03cb88e69a8f6f0c3c168221abe73504b/index.bs */
static const struct vector V_PACKED_ES256 = {
	.reg_challenge =
	    "c1184a5fddf8045e13dc47f54b61f5a656b666b59018f16d870e9256e9952012",
	.client_data_create =
	    "7b2274797065223a22776562617574686e2e637265617465222c226368616c6c"
	    "656e6765223a227752684b58393334424634543345663153324831706c61325a"
	    "725751475046746877365356756d56494249222c226f726967696e223a226874"
	    "7470733a2f2f6578616d706c652e6f7267222c2263726f73734f726967696e22"
	    "3a66616c73652c22657874726144617461223a22636c69656e74446174614a53"
	    "4f4e206d617920626520657874656e6465642077697468206164646974696f6e"
	    "616c206669656c647320696e20746865206675747572652c2073756368206173"
	    "20746869733a20396138624e596a4b436757724258552d66436c316167227d",
	.attestation =
	    "a363666d74667061636b65646761747453746d74a363616c6726637369675847"
	    "304502203f19ec4b229f46ab8c45eff29b904ff10c0390dc40bf1216f04a78f4"
	    "ceba3425022100fe7041a32759aff05a0f9f26c70a999c7a284451ba89234a1d"
	    "3483c25e21925b637835638159022530820221308201c8a00302010202110088"
	    "c220f83c8ef1feafe94deae45faad0300a06082a8648ce3d0403023062311e30"
	    "1c06035504030c15576562417574686e207465737420766563746f7273310c30"
	    "0a060355040a0c0357334331253023060355040b0c1c41757468656e74696361"
	    "746f72204174746573746174696f6e204341310b300906035504061302414130"
	    "20170d3234303130313030303030305a180f3330323430313031303030303030"
	    "5a305f311e301c06035504030c15576562417574686e20746573742076656374"
	    "6f7273310c300a060355040a0c0357334331223020060355040b0c1941757468"
	    "656e74696361746f72204174746573746174696f6e310b300906035504061302"
	    "41413059301306072a8648ce3d020106082a8648ce3d03010703420004a91ba4"
	    "389409dd38a428141940ca8feb1ac0d7b4350558104a3777a49322f3798440f3"
	    "78b3398ab2d3bb7bf91322c92eb23556f59ad0a836fec4c7663b0e4dc3a36030"
	    "5e300c0603551d130101ff04023000300e0603551d0f0101ff04040302078030"
	    "1d0603551d0e04160414a589ba72d060842ab11f74fb246bdedab16f9b9b301f"
	    "0603551d2304183016801445aff715b0dd786741fee996ebc16547a3931b1e30"
	    "0a06082a8648ce3d040302034700304402201726b9d85ecd8a5ed51163722ca3"
	    "a20886fd9b242a0aa0453d442116075defd502207ef471e530ac87961a88a7f0"
	    "d0c17b091ffc6b9238d30f79f635b417be5910e768617574684461746158a4bf"
	    "abc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b54d"
	    "00000000876ca4f52071c3e9b25509ef2cdf7ed60020c9a6f5b3462d02873fea"
	    "0c56862234f99f081728084e511bb7760201a89054a5a5010203262001215820"
	    "1cf27f25da591208a4239c2e324f104f585525479a29edeedd830f48e77aeae5"
	    "22582059e4b7da6c0106e206ce390c93ab98a15a5ec3887e57f0cc2bece803b9"
	    "20c423",
	.cred_id =
	    "c9a6f5b3462d02873fea0c56862234f99f081728084e511bb7760201a89054a5",
	.aaguid =
	    "876ca4f52071c3e9b25509ef2cdf7ed6",
	.auth_challenge =
	    "b1106fa46a57bef1781511c0557dc898a03413d5f0f17d244630c194c7e1adb5",
	.client_data_get =
	    "7b2274797065223a22776562617574686e2e676574222c226368616c6c656e67"
	    "65223a2273524276704770587676463446524841565833496d4b413045395877"
	    "3858306b526a44426c4d6668726255222c226f726967696e223a226874747073"
	    "3a2f2f6578616d706c652e6f7267222c2263726f73734f726967696e223a6661"
	    "6c73652c22657874726144617461223a22636c69656e74446174614a534f4e20"
	    "6d617920626520657874656e6465642077697468206164646974696f6e616c20"
	    "6669656c647320696e20746865206675747572652c2073756368206173207468"
	    "69733a20415a4d77794d78496244382d756775464e7036723851227d",
	.auth_data =
	    "bfabc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b5"
	    "0d00000000",
	.sig =
	    "30450220694969d3ee928de6f02ef23a9c644d7d779916451734a94b432542f4"
	    "98a1ebe90221008b0819c824218a97152cd099c55bfb1477b29d900a49a64018"
	    "314f9bfccda163",
};

/* W3C WebAuthn L3 test vector packed-eddsa (#sctn-test-vectors-packed-eddsa):
 * https://github.com/w3c/webauthn/blob/146d0db03cb88e69a8f6f0c3c168221abe73504b/index.bs */
static const struct vector V_PACKED_EDDSA = {
	.reg_challenge =
	    "a8abf9dabdc6b0df63466b39bda9e8a34a34e185337a59f1c579990676d3b3bd",
	.client_data_create =
	    "7b2274797065223a22776562617574686e2e637265617465222c226368616c6c"
	    "656e6765223a22714b763532723347734e396a526d733576616e6f6f306f3034"
	    "59557a656c6e7878586d5a426e6254733730222c226f726967696e223a226874"
	    "7470733a2f2f6578616d706c652e6f7267222c2263726f73734f726967696e22"
	    "3a66616c73652c22657874726144617461223a22636c69656e74446174614a53"
	    "4f4e206d617920626520657874656e6465642077697468206164646974696f6e"
	    "616c206669656c647320696e20746865206675747572652c2073756368206173"
	    "20746869733a20425f44543567375a445f2d394f544c59583549764551227d",
	.attestation =
	    "a363666d74667061636b65646761747453746d74a363616c6726637369675848"
	    "3046022100d83f60bd80269537583218858aefb03ac57d45fa06e42feaae332d"
	    "187f62da9f022100a02bd3cb6f7e1d283c93bad1f3f4b5a4c0494463da7fdbf2"
	    "56949116754d1f17637835638159022730820223308201c8a003020102021100"
	    "b2cfc9ea33c8643b0e1a760463eaf164300a06082a8648ce3d0403023062311e"
	    "301c06035504030c15576562417574686e207465737420766563746f7273310c"
	    "300a060355040a0c0357334331253023060355040b0c1c41757468656e746963"
	    "61746f72204174746573746174696f6e204341310b3009060355040613024141"
	    "3020170d3234303130313030303030305a180f33303234303130313030303030"
	    "305a305f311e301c06035504030c15576562417574686e207465737420766563"
	    "746f7273310c300a060355040a0c0357334331223020060355040b0c19417574"
	    "68656e74696361746f72204174746573746174696f6e310b3009060355040613"
	    "0241413059301306072a8648ce3d020106082a8648ce3d03010703420004dd2b"
	    "7a564b73b8c0b81c4c62e521925c4d1198ec9f583dbf1eebe364b65cd9c29a9b"
	    "df346aaa81fb6b9507e5249a52fdaf8e39e26b0b7dc45992a7e233b70f70a360"
	    "305e300c0603551d130101ff04023000300e0603551d0f0101ff040403020780"
	    "301d0603551d0e041604140ae27546bc7eccb1b4b597bd354f0c0b1f1f8f8e30"
	    "1f0603551d2304183016801445aff715b0dd786741fee996ebc16547a3931b1e"
	    "300a06082a8648ce3d0403020349003046022100a0d434ecb5fc3bfd7da5f419"
	    "04517ad2836249f561bd834ba7a438a8ab7a4ce8022100fac845bb7a02513b58"
	    "e9f319654dbe49b0f02b95835bac568c71f8a18cdde9ab686175746844617461"
	    "5881bfabc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2"
	    "e4b54100000000d5aa33581e8ca478e20fe713f5d32ff20020ce9f840ed96599"
	    "580cd140fbc7bb3230633f50f61041aff73308ae71caa8a2bda4010103272006"
	    "21582044e06ddd331c36a8dc667bab52bcae63486c916aa5e339e6acebaa8493"
	    "4bf832",
	.cred_id =
	    "ce9f840ed96599580cd140fbc7bb3230633f50f61041aff73308ae71caa8a2bd",
	.aaguid =
	    "d5aa33581e8ca478e20fe713f5d32ff2",
	.auth_challenge =
	    "895957e01c633a698348a2d8a31a54b7db27e8c1c43b2080d79ae2190267bfd2",
	.client_data_get =
	    "7b2274797065223a22776562617574686e2e676574222c226368616c6c656e67"
	    "65223a2269566c583442786a4f6d6d44534b4c596f7870557439736e364d4845"
	    "4f7943413135726947514a6e763949222c226f726967696e223a226874747073"
	    "3a2f2f6578616d706c652e6f7267222c2263726f73734f726967696e223a6661"
	    "6c73657d",
	.auth_data =
	    "bfabc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b5"
	    "0100000000",
	.sig =
	    "f5c59c7e46c34f6f8cc197101ddf9934fa2595f68eb1913a637e8419eb9ba4cf"
	    "dfc48f85393bc0d40b011f0d6fecb097d6607525713223a0dc0d453993dae00b",
};

/* py_webauthn tests/test_verify_registration_response.py, test_verifies_none_attestation_response:
 * https://github.com/duo-labs/py_webauthn/blob/b4bf63ffe3332b70414cb7bf4a892ee6877e9f7f/tests/test_verify_registration_response.py */
static const struct b64vector P_REG_NONE_ES256 = {
	.challenge =
	    "TwN7n4WTyGKLc4ZY-qGsFqKnHM4nglqsyV0ICJlN2TO9XiRyFtrkaDwUvsql"
	    "-gkLJXP6fnF1MlrZ53Mm4R7Cvw",
	.client_data =
	    "eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIiwiY2hhbGxlbmdlIjoiVHdON240"
	    "V1R5R0tMYzRaWS1xR3NGcUtuSE00bmdscXN5VjBJQ0psTjJUTzlYaVJ5RnRy"
	    "a2FEd1V2c3FsLWdrTEpYUDZmbkYxTWxyWjUzTW00UjdDdnciLCJvcmlnaW4i"
	    "OiJodHRwOi8vbG9jYWxob3N0OjUwMDAiLCJjcm9zc09yaWdpbiI6ZmFsc2V9",
	.attestation =
	    "o2NmbXRkbm9uZWdhdHRTdG10oGhhdXRoRGF0YVjESZYN5YgOjGh0NBcPZHZg"
	    "W4_krrmihjLHmVzzuoMdl2NFAAAAFwAAAAAAAAAAAAAAAAAAAAAAQPctcQPE"
	    "5oNRRJk_nO_371mf7qE7qIodzr0eOf6ACvnMB1oQG165dqutoi1U44shGezu"
	    "5_gkTjmOPeJO0N8a7P-lAQIDJiABIVggSFbUJF-42Ug3pdM8rDRFu_N5oiVE"
	    "ysPDB6n66r_7dZAiWCDUVnB39FlGypL-qAoIO9xWHtJygo2jfDmHl-_eKFRL"
	    "DA",
	.id =
	    "9y1xA8Tmg1FEmT-c7_fvWZ_uoTuoih3OvR45_oAK-cwHWhAbXrl2q62iLVTj"
	    "iyEZ7O7n-CROOY494k7Q3xrs_w",
};

/* py_webauthn tests/test_verify_authentication_response.py, test_verify_authentication_response_with_EC2_public_key:
 * https://github.com/duo-labs/py_webauthn/blob/b4bf63ffe3332b70414cb7bf4a892ee6877e9f7f/tests/test_verify_authentication_response.py */
static const struct b64vector P_AUTH_ES256 = {
	.challenge =
	    "xi30GPGAFYRxVDpY1sM10DaLzVQG66nv-_7RUazH0vI2YvG8LYgDEnvN5fZZ"
	    "NVuvEDuMi9te3VLqb42N0fkLGA",
	.client_data =
	    "eyJjaGFsbGVuZ2UiOiJ4aTMwR1BHQUZZUnhWRHBZMXNNMTBEYUx6VlFHNjZu"
	    "di1fN1JVYXpIMHZJMll2RzhMWWdERW52TjVmWlpOVnV2RUR1TWk5dGUzVkxx"
	    "YjQyTjBma0xHQSIsImNsaWVudEV4dGVuc2lvbnMiOnt9LCJoYXNoQWxnb3Jp"
	    "dGhtIjoiU0hBLTI1NiIsIm9yaWdpbiI6Imh0dHA6Ly9sb2NhbGhvc3Q6NTAw"
	    "MCIsInR5cGUiOiJ3ZWJhdXRobi5nZXQifQ",
	.auth_data =
	    "SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MBAAAATg",
	.sig =
	    "MEUCIGisVZOBapCWbnJJvjelIzwpixxIwkjCCb5aCHafQu68AiEA88v-2pJN"
	    "NApPFwAKFiNuf82-2hBxYW5kGwVweeoxCwo",
	.cose_key =
	    "pQECAyYgASFYIIeDTe-gN8A-zQclHoRnGFWN8ehM1b7yAsa8I8KIvmplIlgg"
	    "4nFGT5px8o6gpPZZhO01wdy9crDSA_Ngtkx0vGpvPHI",
};

/* py_webauthn tests/test_verify_authentication_response.py, test_verify_authentication_response_with_OKP_public_key:
 * https://github.com/duo-labs/py_webauthn/blob/b4bf63ffe3332b70414cb7bf4a892ee6877e9f7f/tests/test_verify_authentication_response.py */
static const struct b64vector P_AUTH_EDDSA = {
	.challenge =
	    "eZ4eeA3O4jy5FIzqDaSJ6JDNGu0bBc5zI1DjQ_kLso1WNqkG6k5mCYf1dtQh"
	    "VUiBWZWlZkzR5MFeeWCpJRUNXw",
	.client_data =
	    "eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoiZVo0ZWVBM080"
	    "ank1Rkl6cURhU0o2SkROR3UwYkJjNXpJMURqUV9rTHNvMVdOcWtHNms1bUNZ"
	    "ZjFkdFFoVlVpQldaV2xaa3pSNU1GZWVXQ3BKUlVOWHciLCJvcmlnaW4iOiJo"
	    "dHRwOi8vbG9jYWxob3N0OjUwMDAiLCJjcm9zc09yaWdpbiI6ZmFsc2V9",
	.auth_data =
	    "SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MBAAAABw",
	.sig =
	    "RRWV8mYDRvK7YdQgdtZD4pJ2dh1D_IWZ_D6jsZo6FHJBoenbj0CVT5nA20vU"
	    "zlRhN4R6dOEUHmUwP1F8eRBhBg",
	.cose_key =
	    "pAEBAycgBiFYIMz6_SUFLiDid2Yhlq0YboyJ-CDrIrNpkPUGmJp4D3Dp",
};

/* py_webauthn tests/test_verify_authentication_response.py, test_verify_authentication_response_with_RSA_public_key:
 * https://github.com/duo-labs/py_webauthn/blob/b4bf63ffe3332b70414cb7bf4a892ee6877e9f7f/tests/test_verify_authentication_response.py */
static const struct b64vector P_AUTH_RS256 = {
	.challenge =
	    "iPmAi1Pp1XL6oAgq3PWZtZPnZa1zFUDoGbaQ0_KvVG1lF2s3Rt_3o4uSzccy"
	    "0tmcTIpTTT4BU1T-I4maavndjQ",
	.client_data =
	    "eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoiaVBtQWkxUHAx"
	    "WEw2b0FncTNQV1p0WlBuWmExekZVRG9HYmFRMF9LdlZHMWxGMnMzUnRfM280"
	    "dVN6Y2N5MHRtY1RJcFRUVDRCVTFULUk0bWFhdm5kalEiLCJvcmlnaW4iOiJo"
	    "dHRwOi8vbG9jYWxob3N0OjUwMDAiLCJjcm9zc09yaWdpbiI6ZmFsc2V9",
	.auth_data =
	    "SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MFAAAAAQ",
	.sig =
	    "iOHKX3erU5_OYP_r_9HLZ-CexCE4bQRrxM8WmuoKTDdhAnZSeTP0sjECjvjf"
	    "eS8MJzN1ArmvV0H0C3yy_FdRFfcpUPZzdZ7bBcmPh1XPdxRwY747OrIzcTLT"
	    "FQUPdn1U-izCZtP_78VGw9pCpdMsv4CUzZdJbEcRtQuRS03qUjqDaovoJhOq"
	    "EBmxJn9Wu8tBi_Qx7A33RbYjlfyLm_EDqimzDZhyietyop6XUcpKarKqVH0M"
	    "6mMrM5zTjp8xf3W7odFCadXEJg-ERZqFM0-9Uup6kJNLbr6C5J4NDYmSm3HC"
	    "SA6lp2iEiMPKU8Ii7QZ61kybXLxsX4w4Dm3fOLjmDw",
	.cose_key =
	    "pAEDAzkBACBZAQDfV20epzvQP-HtcdDpX-cGzdOxy73WQEvsU7Dnr9UWJoph"
	    "EfpngouvgnRLXaEUn_d8HGkp_HIx8rrpkx4BVs6X_B6ZjhLlezjIdJbLbVeb"
	    "92BaEsmNn1HW2N9Xj2QM8cH-yx28_vCjf82ahQ9gyAr552Bn96G22n8jqFRQ"
	    "KdVpO-f-bvpvaP3IQ9F5LCX7CUaxptgbog1SFO6FI6ob5SlVVB00lVXsaYg8"
	    "cIDZxCkkENkGiFPgwEaZ7995SCbiyCpUJbMqToLMgojPkAhWeyktu7TlK6UB"
	    "WdJMHc3FPAIs0lH_2_2hKS-mGI1uZAFVAfW1X-mzKL0czUm2P1UlUox7IUMB"
	    "AAE",
};

/* py_webauthn tests/test_verify_authentication_response.py, test_raises_exception_on_incorrect_public_key:
 * https://github.com/duo-labs/py_webauthn/blob/b4bf63ffe3332b70414cb7bf4a892ee6877e9f7f/tests/test_verify_authentication_response.py */
static const struct b64vector P_AUTH_WRONG_KEY = {
	.challenge =
	    "zsfiMZj16TUVCrT5tDRYXdYlUrJp7zn_UNd5NmBocPc4I2dKZbeEWpwBAwA4"
	    "s6oHkVX6_ly_jgp743dyiWHYYw",
	.client_data =
	    "eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoienNmaU1aajE2"
	    "VFVWQ3JUNXREUllYZFlsVXJKcDd6bl9VTmQ1Tm1Cb2NQYzRJMmRLWmJlRVdw"
	    "d0JBd0E0czZvSGtWWDZfbHlfamdwNzQzZHlpV0hZWXciLCJvcmlnaW4iOiJo"
	    "dHRwOi8vbG9jYWxob3N0OjUwMDAiLCJjcm9zc09yaWdpbiI6ZmFsc2V9",
	.auth_data =
	    "SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MFAAAAJA",
	.sig =
	    "MEQCIBX9B1LaLaQ0LYJsRv7cOyMS-Do1rJfFJoF9oO1tHMA4AiBRKdNneMKP"
	    "lN53i8uoTZ5y9Gj4ORZySmiercS38655_g",
	.cose_key =
	    "pAEDAzkBACBZAQDfV20epzvQP-HtcdDpX-cGzdOxy73WQEvsU7Dnr9UWJoph"
	    "EfpngouvgnRLXaEUn_d8HGkp_HIx8rrpkx4BVs6X_B6ZjhLlezjIdJbLbVeb"
	    "92BaEsmNn1HW2N9Xj2QM8cH-yx28_vCjf82ahQ9gyAr552Bn96G22n8jqFRQ"
	    "KdVpO-f-bvpvaP3IQ9F5LCX7CUaxptgbog1SFO6FI6ob5SlVVB00lVXsaYg8"
	    "cIDZxCkkENkGiFPgwEaZ7995SCbiyCpUJbMqToLMgojPkAhWeyktu7TlK6UB"
	    "WdJMHc3FPAIs0lH_2_2hKS-mGI1uZAFVAfW1X-mzKL0czUm2P1UlUox7IUMB"
	    "AAE",
};

/* py_webauthn tests/test_verify_authentication_response.py, test_raises_exception_on_uv_required_but_false:
 * https://github.com/duo-labs/py_webauthn/blob/b4bf63ffe3332b70414cb7bf4a892ee6877e9f7f/tests/test_verify_authentication_response.py */
static const struct b64vector P_AUTH_NO_UV = {
	.challenge =
	    "umGemXJIPBXPxkD8Hjanuv9BDor8Z7O3aPdtOgMCdW4PAfqDX43EFlhrsF0P"
	    "W90df5zrgbt7YVMRAa27tCdHzw",
	.client_data =
	    "eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoidW1HZW1YSklQ"
	    "QlhQeGtEOEhqYW51djlCRG9yOFo3TzNhUGR0T2dNQ2RXNFBBZnFEWDQzRUZs"
	    "aHJzRjBQVzkwZGY1enJnYnQ3WVZNUkFhMjd0Q2RIenciLCJvcmlnaW4iOiJo"
	    "dHRwOi8vbG9jYWxob3N0OjUwMDAiLCJjcm9zc09yaWdpbiI6ZmFsc2V9",
	.auth_data =
	    "SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MBAAAAIQ",
	.sig =
	    "MEUCIGp5ADnU_SFvT4J_bKvQJ4Pc1GmANhbYq5GioOLjyUrxAiEA6Kk5qAZb"
	    "8MLY-jyTiJLr_R9Fke02UHkxsRB0dnZt2X8",
	.cose_key =
	    "pQECAyYgASFYIOQ5TKpXJR2cV76Wgfge9BkLkEhLxVjhFjM1jKHYOcqpIlgg"
	    "aiNy1blt3OU8Hsmg041HUYP7eajgL7fk3nSuTEjYCwU",
};

/*
 * Made here from the W3C vectors' published private keys (so they are
 * checked with libfido2 against keys whose public half the spec's own
 * vectors carry), with Python's cryptography (ECDSA signatures are
 * randomised, so regenerating gives other bytes that verify alike):
 *   EXT_ATT: packed-self-es256's registration with ED set and
 *     {"credProtect": 2} appended to its authData, self-signed with its
 *     credential_private_key over authData || SHA-256(its clientDataJSON);
 *   ED_ATT: packed-eddsa's registration authData with UV set, self-signed
 *     (packed, alg -8) with its private_key over authData ||
 *     SHA-256(its clientDataJSON);
 *   ED_AUTH_DATA, ED_SIG: packed-eddsa's authentication authData with UV
 *     set and sign count 1, signed with the same key over authData ||
 *     SHA-256(its authentication clientDataJSON).
 */
static const char EXT_ATT[] =
	    "a363666d74667061636b65646761747453746d74a263616c6726637369675848"
	    "3046022100b79d7e2fa5dea1f09e53f0c3f777de5b4c893826a8ffb0931ade86"
	    "52bfd6d695022100c6575617527e23ec2bfcf06348cd4870261db238a5e273bd"
	    "697189aaa6b68a4768617574684461746158b2bfabc37432958b063360d3ad64"
	    "61c9c4735ae7f8edd46592a5e0f01452b2e4b5dd00000000df850e09db6afbdf"
	    "ab51697791506cfc0020455ef34e2043a87db3d4afeb39bbcb6cc32df9347c78"
	    "9a865ecdca129cbef58ca5010203262001215820eb151c8176b225cc651559fe"
	    "cf07af450fd85802046656b34c18f6cf193843c5225820927b8aa427a2be1b88"
	    "34d233a2d34f61f13bfd44119c325d5896e183fee484f2a16b6372656450726f"
	    "7465637402";
static const char ED_ATT[] =
	    "a363666d74667061636b65646761747453746d74a263616c6727637369675840"
	    "4b87f8ba129ed55a3c8352240e946286e2b604d3e17d69392e1bfed8c6ded758"
	    "a0fc4a23f62fa7d518b63aef24201de98be3bcc6d7eeb77eb935a0859479ad09"
	    "6861757468446174615881bfabc37432958b063360d3ad6461c9c4735ae7f8ed"
	    "d46592a5e0f01452b2e4b54500000000d5aa33581e8ca478e20fe713f5d32ff2"
	    "0020ce9f840ed96599580cd140fbc7bb3230633f50f61041aff73308ae71caa8"
	    "a2bda401010327200621582044e06ddd331c36a8dc667bab52bcae63486c916a"
	    "a5e339e6acebaa84934bf832";
static const char ED_AUTH_DATA[] =
	    "bfabc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b5"
	    "0500000001";
static const char ED_SIG[] =
	    "1a8a84ee476279ee50fa8e1983f57723108a52db319d09266075873db1f7f573"
	    "99da20855f714b42cc5d302b871e8b770607fca8c15550a5b4da4b1b95947002";

/* An RP and whether UV may be absent (0: custos's policy, through the
 * public calls; 1: through webauthn_int.h's *_uv calls). */
struct trp {
	struct webauthn_rp rp;
	int uv_optional;
};

static const struct trp W3C = { { "example.org", "https://example.org" },
	0 };
static const struct trp W3C_NOUV = { { "example.org",
	"https://example.org" }, 1 };
static const struct trp LOCAL = { { "localhost", "http://localhost:5000" },
	0 };
static const struct trp LOCAL_NOUV = { { "localhost",
	"http://localhost:5000" }, 1 };

struct blob {
	uint8_t b[BUF_MAX];
	size_t n;
};

/* The inputs of one call, static (they are large). */
static struct blob ch, cd, att, ad, sig, tmp;

static void
unhex(struct blob *o, const char *hex)
{
	assert_int_equal(sodium_hex2bin(o->b, sizeof(o->b), hex, strlen(hex),
	    NULL, &o->n, NULL), 0);
}

static void
unb64(struct blob *o, const char *s)
{
	assert_int_equal(webauthn_b64url_decode(o->b, sizeof(o->b), &o->n,
	    s), 0);
}

static void
load_reg(const struct vector *v)
{
	unhex(&ch, v->reg_challenge);
	unhex(&cd, v->client_data_create);
	unhex(&att, v->attestation);
}

static void
load_auth(const struct vector *v)
{
	unhex(&ch, v->auth_challenge);
	unhex(&cd, v->client_data_get);
	unhex(&ad, v->auth_data);
	unhex(&sig, v->sig);
}

static int
do_reg(const struct trp *t, struct webauthn_cred *c, struct err *e)
{
	err_init(e);
	if (t->uv_optional)
		return webauthn_register_verify_uv(c, &t->rp, 1, ch.b, ch.n,
		    cd.b, cd.n, att.b, att.n, e);
	return webauthn_register_verify(c, &t->rp, ch.b, ch.n, cd.b, cd.n,
	    att.b, att.n, e);
}

static int
do_auth(const struct trp *t, const struct webauthn_cred *c,
    struct webauthn_assertion *a, struct err *e)
{
	err_init(e);
	if (t->uv_optional)
		return webauthn_assert_verify_uv(a, &t->rp, 1, ch.b, ch.n, c,
		    cd.b, cd.n, ad.b, ad.n, sig.b, sig.n, e);
	return webauthn_assert_verify(a, &t->rp, ch.b, ch.n, c, cd.b, cd.n,
	    ad.b, ad.n, sig.b, sig.n, e);
}

static void
refused(int rc, const struct err *e, const char *reason)
{
	assert_int_equal(rc, -1);
	assert_int_equal(e->status, 400);
	assert_non_null(e->reason);
	assert_string_equal(e->reason, reason);
	assert_true(e->msg[0] != '\0');
}

/* Registers v (must succeed under rp) into c. */
static void
register_ok(const struct vector *v, const struct trp *rp,
    struct webauthn_cred *c)
{
	struct err e;
	struct blob id;

	load_reg(v);
	if (do_reg(rp, c, &e) != 0)
		fail_msg("registration refused: %s", e.msg);
	unhex(&id, v->cred_id);
	assert_int_equal(c->id_len, id.n);
	assert_memory_equal(c->id, id.b, id.n);
	unhex(&id, v->aaguid);
	assert_memory_equal(c->aaguid, id.b, 16);
}

static void
assert_ok(const struct vector *v, const struct trp *rp,
    const struct webauthn_cred *c, struct webauthn_assertion *a)
{
	struct err e;

	load_auth(v);
	if (do_auth(rp, c, a, &e) != 0)
		fail_msg("assertion refused: %s", e.msg);
}

/* The flags byte of authenticator data in a blob. */
#define FLAGS(bl) ((bl)->b[32])

/* Where authData's bytes start inside attestation object a, and their
 * length (the "authData" key, then a byte string header). */
static size_t
att_authdata_at(const struct blob *a, size_t *len)
{
	static const uint8_t key[] = { 0x68, 'a', 'u', 't', 'h', 'D', 'a', 't',
		'a' };
	size_t i;

	for (i = 0; i + sizeof(key) + 3 < a->n; i++) {
		const uint8_t *p = a->b + i + sizeof(key);

		if (memcmp(a->b + i, key, sizeof(key)) != 0)
			continue;
		if (p[0] == 0x58) {
			*len = p[1];
			return i + sizeof(key) + 2;
		}
		if (p[0] == 0x59) {
			*len = (size_t)p[1] << 8 | p[2];
			return i + sizeof(key) + 3;
		}
	}
	fail_msg("no authData in the attestation object");
	return 0;
}

/* att = {"fmt": "none", "attStmt": {}, "authData": a[0..n)}. */
static void
att_none(struct blob *o, const uint8_t *a, size_t n)
{
	static const uint8_t pre[] = { 0xa3, 0x63, 'f', 'm', 't', 0x64, 'n',
		'o', 'n', 'e', 0x67, 'a', 't', 't', 'S', 't', 'm', 't', 0xa0,
		0x68, 'a', 'u', 't', 'h', 'D', 'a', 't', 'a' };
	uint8_t save[BUF_MAX];

	memcpy(save, a, n);
	memcpy(o->b, pre, sizeof(pre));
	o->n = sizeof(pre);
	o->b[o->n++] = 0x59;
	o->b[o->n++] = (uint8_t)(n >> 8);
	o->b[o->n++] = (uint8_t)n;
	memcpy(o->b + o->n, save, n);
	o->n += n;
}

/* A credential from a COSE_Key as py_webauthn's tests give it (the three
 * shapes they use), in libfido2's raw form. */
static void
cred_from_cose(struct webauthn_cred *c, const char *b64)
{
	static const uint8_t ec2[] = { 0xa5, 0x01, 0x02, 0x03, 0x26, 0x20,
		0x01, 0x21, 0x58, 0x20 };
	static const uint8_t okp[] = { 0xa4, 0x01, 0x01, 0x03, 0x27, 0x20,
		0x06, 0x21, 0x58, 0x20 };
	static const uint8_t rsa[] = { 0xa4, 0x01, 0x03, 0x03, 0x39, 0x01,
		0x00, 0x20, 0x59, 0x01, 0x00 };
	struct blob k;

	memset(c, 0, sizeof(*c));
	unb64(&k, b64);
	if (k.n == 77 && memcmp(k.b, ec2, sizeof(ec2)) == 0) {
		c->alg = WEBAUTHN_ALG_ES256;
		memcpy(c->pubkey, k.b + 10, 32);
		memcpy(c->pubkey + 32, k.b + 45, 32);
		c->pubkey_len = 64;
	} else if (k.n == 42 && memcmp(k.b, okp, sizeof(okp)) == 0) {
		c->alg = WEBAUTHN_ALG_EDDSA;
		memcpy(c->pubkey, k.b + 10, 32);
		c->pubkey_len = 32;
	} else if (k.n == 272 && memcmp(k.b, rsa, sizeof(rsa)) == 0) {
		c->alg = WEBAUTHN_ALG_RS256;
		memcpy(c->pubkey, k.b + 11, 256);          /* n */
		memcpy(c->pubkey + 256, k.b + 269, 3);     /* e */
		c->pubkey_len = 259;
	} else {
		fail_msg("unexpected COSE key shape");
	}
}

static void
load_pauth(const struct b64vector *v)
{
	unb64(&ch, v->challenge);
	unb64(&cd, v->client_data);
	unb64(&ad, v->auth_data);
	unb64(&sig, v->sig);
}

/* ------------------------------------------------------------------ */

static void
w3c_none_es256_registers_and_its_assertion_verifies(void **state)
{
	struct webauthn_cred c;
	struct webauthn_assertion a;

	(void)state;
	register_ok(&V_NONE_ES256, &W3C_NOUV, &c);
	assert_int_equal(c.alg, WEBAUTHN_ALG_ES256);
	assert_string_equal(c.fmt, "none");
	assert_int_equal(c.pubkey_len, 64);
	assert_int_equal(c.sign_count, 0);
	/* flags 0x59: UP, BE, BS, AT; no UV */
	assert_int_equal(c.uv, 0);
	assert_int_equal(c.backup_eligible, 1);
	assert_int_equal(c.backed_up, 1);
	assert_ok(&V_NONE_ES256, &W3C_NOUV, &c, &a);
	assert_int_equal(a.sign_count, 0);
	assert_int_equal(a.uv, 0);
	assert_int_equal(a.backed_up, 1);
}

static void
w3c_packed_self_es256_registers_with_uv_and_asserts(
    void **state)
{
	struct webauthn_cred c;
	struct webauthn_assertion a;

	(void)state;
	/* flags 0x5d: UV set, so custos's own policy accepts it. */
	register_ok(&V_PACKED_SELF_ES256, &W3C, &c);
	assert_string_equal(c.fmt, "packed");
	assert_int_equal(c.alg, WEBAUTHN_ALG_ES256);
	assert_int_equal(c.uv, 1);
	assert_ok(&V_PACKED_SELF_ES256, &W3C_NOUV, &c, &a);
	assert_int_equal(a.uv, 0);
}

static void
w3c_packed_x5c_es256_registers_and_its_assertion_verifies(void **state)
{
	struct webauthn_cred c;
	struct webauthn_assertion a;

	(void)state;
	register_ok(&V_PACKED_ES256, &W3C, &c);
	assert_string_equal(c.fmt, "packed");
	/* authentication flags 0x0d: UP, UV, BE */
	assert_ok(&V_PACKED_ES256, &W3C, &c, &a);
	assert_int_equal(a.uv, 1);
	assert_int_equal(a.backed_up, 0);
}

static void
w3c_packed_eddsa_registers_and_its_assertion_verifies(void **state)
{
	struct webauthn_cred c;
	struct webauthn_assertion a;

	(void)state;
	register_ok(&V_PACKED_EDDSA, &W3C_NOUV, &c);
	assert_int_equal(c.alg, WEBAUTHN_ALG_EDDSA);
	assert_int_equal(c.pubkey_len, 32);
	assert_string_equal(c.fmt, "packed");
	assert_ok(&V_PACKED_EDDSA, &W3C_NOUV, &c, &a);
}

static void
w3c_credential_id_of_1023_bytes_registers_and_asserts(void **state)
{
	struct webauthn_cred c;
	struct webauthn_assertion a;

	(void)state;
	register_ok(&V_NONE_ES256_LONG_CREDENTIAL_ID, &W3C_NOUV, &c);
	assert_int_equal(c.id_len, WEBAUTHN_CRED_ID_MAX);
	assert_ok(&V_NONE_ES256_LONG_CREDENTIAL_ID, &W3C, &c, &a);
	assert_int_equal(a.uv, 1);
}

static void
packed_with_an_extension_the_authenticator_added_registers(void **state)
{
	struct webauthn_cred c;
	struct err e;

	(void)state;
	load_reg(&V_PACKED_SELF_ES256);
	unhex(&att, EXT_ATT);
	if (do_reg(&W3C, &c, &e) != 0)
		fail_msg("refused: %s", e.msg);
	assert_string_equal(c.fmt, "packed");
	/* the extension is signed: change credProtect 2 to 3 */
	att.b[att.n - 1] = 0x03;
	refused(do_reg(&W3C, &c, &e), &e, "webauthn_attestation");
	/* a credProtect libfido2 does not know */
	att.b[att.n - 1] = 0x07;
	refused(do_reg(&W3C, &c, &e), &e, "webauthn_auth_data");
}

static void
eddsa_with_uv_registers_and_asserts_under_custos_policy(void **state)
{
	struct webauthn_cred c;
	struct webauthn_assertion a;
	struct err e;

	(void)state;
	load_reg(&V_PACKED_EDDSA);
	unhex(&att, ED_ATT);
	if (do_reg(&W3C, &c, &e) != 0)
		fail_msg("refused: %s", e.msg);
	assert_int_equal(c.alg, WEBAUTHN_ALG_EDDSA);
	assert_int_equal(c.uv, 1);
	load_auth(&V_PACKED_EDDSA);
	unhex(&ad, ED_AUTH_DATA);
	unhex(&sig, ED_SIG);
	if (do_auth(&W3C, &c, &a, &e) != 0)
		fail_msg("refused: %s", e.msg);
	assert_int_equal(a.sign_count, 1);
	assert_int_equal(a.uv, 1);
	sig.b[0] ^= 1;
	refused(do_auth(&W3C, &c, &a, &e), &e, "webauthn_signature");
}

static void
vectors_without_uv_are_refused_under_custos_policy(void **state)
{
	struct webauthn_cred c;
	struct webauthn_assertion a;
	struct err e;

	(void)state;
	load_reg(&V_NONE_ES256);
	refused(do_reg(&W3C, &c, &e), &e, "webauthn_uv");
	load_reg(&V_PACKED_EDDSA);
	refused(do_reg(&W3C, &c, &e), &e, "webauthn_uv");

	register_ok(&V_PACKED_EDDSA, &W3C_NOUV, &c);
	load_auth(&V_PACKED_EDDSA);
	refused(do_auth(&W3C, &c, &a, &e), &e, "webauthn_uv");
	register_ok(&V_PACKED_SELF_ES256, &W3C, &c);
	load_auth(&V_PACKED_SELF_ES256);
	refused(do_auth(&W3C, &c, &a, &e), &e, "webauthn_uv");
}

static void
cross_origin_and_top_origin_are_refused(void **state)
{
	struct webauthn_cred c;
	struct webauthn_assertion a;
	struct err e;

	(void)state;
	load_reg(&V_NONE_ES256_CROSSORIGIN);
	refused(do_reg(&W3C_NOUV, &c, &e), &e, "webauthn_cross_origin");
	load_reg(&V_NONE_ES256_TOPORIGIN);
	refused(do_reg(&W3C_NOUV, &c, &e), &e, "webauthn_cross_origin");

	/* Their assertions, with a key that loads (the check comes first). */
	register_ok(&V_NONE_ES256, &W3C_NOUV, &c);
	c.backup_eligible = 0;
	load_auth(&V_NONE_ES256_CROSSORIGIN);
	refused(do_auth(&W3C_NOUV, &c, &a, &e), &e, "webauthn_cross_origin");
	load_auth(&V_NONE_ES256_TOPORIGIN);
	refused(do_auth(&W3C_NOUV, &c, &a, &e), &e, "webauthn_cross_origin");
}

static void
py_webauthn_none_es256_on_localhost_registers(void **state)
{
	struct webauthn_cred c;
	struct blob id;
	struct err e;

	(void)state;
	unb64(&ch, P_REG_NONE_ES256.challenge);
	assert_int_equal(ch.n, 64);
	unb64(&cd, P_REG_NONE_ES256.client_data);
	unb64(&att, P_REG_NONE_ES256.attestation);
	if (do_reg(&LOCAL, &c, &e) != 0)
		fail_msg("refused: %s", e.msg);
	unb64(&id, P_REG_NONE_ES256.id);
	assert_int_equal(c.id_len, id.n);
	assert_memory_equal(c.id, id.b, id.n);
	assert_int_equal(c.sign_count, 23);
	assert_int_equal(c.uv, 1);
	assert_int_equal(c.backup_eligible, 0);
	assert_string_equal(c.fmt, "none");
	/* The raw key is the COSE key's x || y (py_webauthn's expected
	 * credential_public_key). */
	unb64(&tmp, "pQECAyYgASFYIEhW1CRfuNlIN6XTPKw0RbvzeaIlRMrDwwep-uq_"
	    "-3WQIlgg1FZwd_RZRsqS_qgKCDvcVh7ScoKNo3w5h5fv3ihUSww");
	assert_memory_equal(c.pubkey, tmp.b + 10, 32);
	assert_memory_equal(c.pubkey + 32, tmp.b + 45, 32);

	/* Same bytes, another port: the origin is compared whole. */
	{
		const struct trp other = { { "localhost",
			"http://localhost:5001" }, 0 };

		refused(do_reg(&other, &c, &e), &e, "webauthn_origin");
	}
}

static void
py_webauthn_es256_eddsa_rs256_assertions_verify(void **state)
{
	struct webauthn_cred c;
	struct webauthn_assertion a;
	struct err e;

	(void)state;
	cred_from_cose(&c, P_AUTH_ES256.cose_key);
	load_pauth(&P_AUTH_ES256);
	if (do_auth(&LOCAL_NOUV, &c, &a, &e) != 0)
		fail_msg("ES256 refused: %s", e.msg);
	assert_int_equal(a.sign_count, 78);
	assert_int_equal(a.uv, 0);

	cred_from_cose(&c, P_AUTH_EDDSA.cose_key);
	load_pauth(&P_AUTH_EDDSA);
	if (do_auth(&LOCAL_NOUV, &c, &a, &e) != 0)
		fail_msg("EdDSA refused: %s", e.msg);
	assert_int_equal(a.sign_count, 7);
	/* under custos's policy the same EdDSA assertion lacks UV */
	refused(do_auth(&LOCAL, &c, &a, &e), &e, "webauthn_uv");

	cred_from_cose(&c, P_AUTH_RS256.cose_key);
	load_pauth(&P_AUTH_RS256);
	if (do_auth(&LOCAL, &c, &a, &e) != 0)
		fail_msg("RS256 refused: %s", e.msg);
	assert_int_equal(a.sign_count, 1);
	assert_int_equal(a.uv, 1);
}

static void
py_webauthn_wrong_key_and_missing_uv_are_refused(void **state)
{
	struct webauthn_cred c;
	struct webauthn_assertion a;
	struct err e;

	(void)state;
	cred_from_cose(&c, P_AUTH_WRONG_KEY.cose_key);
	load_pauth(&P_AUTH_WRONG_KEY);
	refused(do_auth(&LOCAL, &c, &a, &e), &e, "webauthn_signature");

	cred_from_cose(&c, P_AUTH_NO_UV.cose_key);
	load_pauth(&P_AUTH_NO_UV);
	refused(do_auth(&LOCAL, &c, &a, &e), &e, "webauthn_uv");
	/* and it is otherwise good */
	assert_int_equal(do_auth(&LOCAL_NOUV, &c, &a, &e), 0);
}

static void
wrong_origin_challenge_rp_id_and_type_are_refused(void **state)
{
	const struct trp other_origin = { { "example.org",
		"https://example.org:8443" }, 1 };
	const struct trp other_rp = { { "example.com",
		"https://example.org" }, 1 };
	const struct trp parent_rp = { { "org", "https://example.org" }, 1 };
	struct webauthn_cred c;
	struct webauthn_assertion a;
	struct err e;

	(void)state;
	load_reg(&V_PACKED_ES256);
	refused(do_reg(&other_origin, &c, &e), &e, "webauthn_origin");
	refused(do_reg(&other_rp, &c, &e), &e, "webauthn_rp_id");
	refused(do_reg(&parent_rp, &c, &e), &e, "webauthn_rp_id");
	ch.b[0] ^= 1;
	refused(do_reg(&W3C, &c, &e), &e, "webauthn_challenge");
	load_reg(&V_PACKED_ES256);
	ch.n--;
	refused(do_reg(&W3C, &c, &e), &e, "webauthn_challenge");
	/* an assertion's clientDataJSON in a registration */
	load_reg(&V_PACKED_ES256);
	unhex(&tmp, V_PACKED_ES256.client_data_get);
	memcpy(cd.b, tmp.b, tmp.n);
	cd.n = tmp.n;
	refused(do_reg(&W3C, &c, &e), &e, "webauthn_type");

	register_ok(&V_PACKED_ES256, &W3C, &c);
	load_auth(&V_PACKED_ES256);
	refused(do_auth(&other_origin, &c, &a, &e), &e, "webauthn_origin");
	refused(do_auth(&other_rp, &c, &a, &e), &e, "webauthn_rp_id");
	ch.b[31] ^= 0x80;
	refused(do_auth(&W3C, &c, &a, &e), &e, "webauthn_challenge");
	/* the registration's challenge and clientDataJSON replayed */
	load_auth(&V_PACKED_ES256);
	unhex(&ch, V_PACKED_ES256.reg_challenge);
	unhex(&cd, V_PACKED_ES256.client_data_create);
	refused(do_auth(&W3C, &c, &a, &e), &e, "webauthn_type");
	/* the real thing still passes */
	load_auth(&V_PACKED_ES256);
	assert_int_equal(do_auth(&W3C, &c, &a, &e), 0);
}

static void
missing_up_and_bs_without_be_are_refused(void **state)
{
	struct webauthn_cred c;
	struct webauthn_assertion a;
	struct err e;
	size_t at, n;

	(void)state;
	register_ok(&V_PACKED_ES256, &W3C, &c);
	load_auth(&V_PACKED_ES256);
	FLAGS(&ad) &= (uint8_t)~WEBAUTHN_FLAG_UP;
	refused(do_auth(&W3C_NOUV, &c, &a, &e), &e, "webauthn_up");
	load_auth(&V_PACKED_ES256);
	FLAGS(&ad) &= (uint8_t)~WEBAUTHN_FLAG_BE;
	FLAGS(&ad) |= WEBAUTHN_FLAG_BS;
	refused(do_auth(&W3C, &c, &a, &e), &e, "webauthn_backup");

	/* registration ("none" carries no signature, so only our checks
	 * stand between these bytes and the store) */
	load_reg(&V_NONE_ES256);
	at = att_authdata_at(&att, &n);
	att.b[at + 32] &= (uint8_t)~WEBAUTHN_FLAG_UP;
	refused(do_reg(&W3C_NOUV, &c, &e), &e, "webauthn_up");
	load_reg(&V_NONE_ES256);
	att.b[at + 32] &= (uint8_t)~WEBAUTHN_FLAG_BE;
	refused(do_reg(&W3C_NOUV, &c, &e), &e, "webauthn_backup");
}

static void
backup_eligibility_must_match_the_credential(void **state)
{
	struct webauthn_cred c;
	struct webauthn_assertion a;
	struct err e;

	(void)state;
	register_ok(&V_PACKED_ES256, &W3C, &c);
	assert_int_equal(c.backup_eligible, 1);
	c.backup_eligible = 0;
	load_auth(&V_PACKED_ES256);
	refused(do_auth(&W3C, &c, &a, &e), &e, "webauthn_backup");
}

static void
bad_signatures_are_refused(void **state)
{
	struct webauthn_cred c, c2;
	struct webauthn_assertion a;
	struct err e;
	size_t i;

	(void)state;
	register_ok(&V_PACKED_ES256, &W3C, &c);
	load_auth(&V_PACKED_ES256);
	sig.b[10] ^= 1;
	refused(do_auth(&W3C, &c, &a, &e), &e, "webauthn_signature");
	/* a sign count the authenticator did not sign */
	load_auth(&V_PACKED_ES256);
	ad.b[36] ^= 1;
	refused(do_auth(&W3C, &c, &a, &e), &e, "webauthn_signature");
	/* another credential's key */
	register_ok(&V_PACKED_SELF_ES256, &W3C, &c2);
	c2.backup_eligible = c.backup_eligible;
	load_auth(&V_PACKED_ES256);
	refused(do_auth(&W3C, &c2, &a, &e), &e, "webauthn_signature");
	/* EdDSA */
	register_ok(&V_PACKED_EDDSA, &W3C_NOUV, &c);
	load_auth(&V_PACKED_EDDSA);
	sig.b[63] ^= 0x40;
	refused(do_auth(&W3C_NOUV, &c, &a, &e), &e, "webauthn_signature");
	load_auth(&V_PACKED_EDDSA);
	sig.n--;
	refused(do_auth(&W3C_NOUV, &c, &a, &e), &e, "webauthn_signature");

	/* packed statements: self and x5c, a bit of sig flipped */
	load_reg(&V_PACKED_SELF_ES256);
	for (i = 0; i + 5 < att.n; i++)
		if (memcmp(att.b + i, "\x63sig\x58", 5) == 0)
			break;
	assert_true(i + 5 < att.n);
	att.b[i + 12] ^= 1;
	refused(do_reg(&W3C, &c, &e), &e, "webauthn_attestation");
	load_reg(&V_PACKED_ES256);
	for (i = 0; i + 5 < att.n; i++)
		if (memcmp(att.b + i, "\x63sig\x58", 5) == 0)
			break;
	assert_true(i + 5 < att.n);
	att.b[i + 12] ^= 1;
	refused(do_reg(&W3C, &c, &e), &e, "webauthn_attestation");
	/* the packed signature covers clientDataJSON: another one with
	 * the same challenge, type and origin is refused */
	load_reg(&V_PACKED_SELF_ES256);
	{
		char b64[64], json[256];
		int n;

		assert_int_equal(webauthn_b64url_encode(b64, sizeof(b64), ch.b,
		    ch.n), 0);
		n = snprintf(json, sizeof(json),
		    "{\"type\":\"webauthn.create\",\"challenge\":\"%s\","
		    "\"origin\":\"https://example.org\"}", b64);
		memcpy(cd.b, json, (size_t)n);
		cd.n = (size_t)n;
	}
	refused(do_reg(&W3C, &c, &e), &e, "webauthn_attestation");
}

static void
truncated_and_trailing_auth_data_are_refused(void **state)
{
	struct webauthn_cred c;
	struct webauthn_assertion a;
	struct err e;
	size_t at, n;

	(void)state;
	register_ok(&V_PACKED_ES256, &W3C, &c);
	load_auth(&V_PACKED_ES256);
	ad.n = 36;
	refused(do_auth(&W3C, &c, &a, &e), &e, "webauthn_auth_data");
	load_auth(&V_PACKED_ES256);
	ad.n = 0;
	refused(do_auth(&W3C, &c, &a, &e), &e, "webauthn_auth_data");
	/* libfido2 alone would accept a trailing byte (it reads what it
	 * needs and stops); the signature would not cover it here, but
	 * one byte string must have one meaning */
	load_auth(&V_PACKED_ES256);
	ad.b[ad.n++] = 0;
	refused(do_auth(&W3C, &c, &a, &e), &e, "webauthn_auth_data");
	/* AT in an assertion, ED without extensions */
	load_auth(&V_PACKED_ES256);
	FLAGS(&ad) |= WEBAUTHN_FLAG_AT;
	refused(do_auth(&W3C, &c, &a, &e), &e, "webauthn_auth_data");
	load_auth(&V_PACKED_ES256);
	FLAGS(&ad) |= WEBAUTHN_FLAG_ED;
	refused(do_auth(&W3C, &c, &a, &e), &e, "webauthn_auth_data");
	/* ED with a map that is not a map */
	ad.b[ad.n++] = 0x80;
	refused(do_auth(&W3C, &c, &a, &e), &e, "webauthn_auth_data");

	/* registration authData, rewrapped as "none" */
	load_reg(&V_NONE_ES256);
	at = att_authdata_at(&att, &n);
	memcpy(tmp.b, att.b + at, n);
	tmp.n = n;
	att_none(&att, tmp.b, tmp.n);
	assert_int_equal(do_reg(&W3C_NOUV, &c, &e), 0);     /* as is: good */
	att_none(&att, tmp.b, tmp.n - 1);                  /* cut in the key */
	refused(do_reg(&W3C_NOUV, &c, &e), &e, "webauthn_auth_data");
	att_none(&att, tmp.b, 37 + 16 + 1);             /* in the id length */
	refused(do_reg(&W3C_NOUV, &c, &e), &e, "webauthn_auth_data");
	att_none(&att, tmp.b, 37 + 18 + 31);               /* cut in the id */
	refused(do_reg(&W3C_NOUV, &c, &e), &e, "webauthn_auth_data");
	att_none(&att, tmp.b, 37);                         /* AT but nothing */
	refused(do_reg(&W3C_NOUV, &c, &e), &e, "webauthn_auth_data");
	tmp.b[tmp.n++] = 0xa0;             /* an empty map after the key */
	att_none(&att, tmp.b, tmp.n);
	refused(do_reg(&W3C_NOUV, &c, &e), &e, "webauthn_auth_data");
	tmp.b[32] |= WEBAUTHN_FLAG_ED;     /* ... which ED makes legal */
	att_none(&att, tmp.b, tmp.n);
	assert_int_equal(do_reg(&W3C_NOUV, &c, &e), 0);
	tmp.b[32] &= (uint8_t)~WEBAUTHN_FLAG_AT;   /* registration without AT */
	att_none(&att, tmp.b, tmp.n);
	refused(do_reg(&W3C_NOUV, &c, &e), &e, "webauthn_auth_data");
	/* credential id length 0 */
	tmp.b[32] |= WEBAUTHN_FLAG_AT;
	tmp.b[37 + 16] = 0;
	tmp.b[37 + 17] = 0;
	att_none(&att, tmp.b, tmp.n);
	refused(do_reg(&W3C_NOUV, &c, &e), &e, "webauthn_auth_data");
}

static void
attestation_object_framing_is_strict(void **state)
{
	struct webauthn_cred c;
	struct err e;
	size_t at, n;

	(void)state;
	load_reg(&V_NONE_ES256);
	att.b[att.n++] = 0;
	refused(do_reg(&W3C_NOUV, &c, &e), &e, "webauthn_attestation");
	load_reg(&V_NONE_ES256);
	att.n--;
	refused(do_reg(&W3C_NOUV, &c, &e), &e, "webauthn_attestation");
	load_reg(&V_NONE_ES256);
	att.b[0] = 0xa4;           /* a fourth member that is not there */
	refused(do_reg(&W3C_NOUV, &c, &e), &e, "webauthn_attestation");
	load_reg(&V_NONE_ES256);
	att.b[1 + 1] = 'F';        /* "Fmt" */
	refused(do_reg(&W3C_NOUV, &c, &e), &e, "webauthn_attestation");
	/* "fmt" twice: rename "attStmt" is not possible in place, so turn
	 * the map into {"fmt", "fmt"...} by renaming "authData"'s key is
	 * longer; instead repeat the first pair */
	load_reg(&V_NONE_ES256);
	memmove(att.b + 1 + 9, att.b + 1, att.n - 1);
	att.n += 9;
	att.b[0] = 0xa4;
	refused(do_reg(&W3C_NOUV, &c, &e), &e, "webauthn_attestation");
	/* other formats */
	load_reg(&V_NONE_ES256);
	memcpy(att.b + 6, "nonf", 4);
	refused(do_reg(&W3C_NOUV, &c, &e), &e, "webauthn_attestation");
	/* "none" with a statement */
	load_reg(&V_NONE_ES256);
	at = att_authdata_at(&att, &n);
	(void)at;
	memmove(att.b + 19 + 2, att.b + 19, att.n - 19);
	att.n += 2;
	att.b[18] = 0xa1;
	att.b[19] = 0x01;
	att.b[20] = 0x01;
	refused(do_reg(&W3C_NOUV, &c, &e), &e, "webauthn_attestation");
	/* not a map, nothing, too long */
	att.b[0] = 0x80;
	att.n = 1;
	refused(do_reg(&W3C_NOUV, &c, &e), &e, "webauthn_attestation");
	att.n = 0;
	refused(do_reg(&W3C_NOUV, &c, &e), &e, "webauthn_input");
	load_reg(&V_NONE_ES256);
	att.n = WEBAUTHN_ATTESTATION_MAX + 1;
	refused(do_reg(&W3C_NOUV, &c, &e), &e, "webauthn_input");
}

/* The base64url of P_REG_NONE_ES256's challenge, which it also loads. */
static const char *
pchal(void)
{
	static char b64[128];

	unb64(&ch, P_REG_NONE_ES256.challenge);
	assert_int_equal(webauthn_b64url_encode(b64, sizeof(b64), ch.b, ch.n),
	    0);
	return b64;
}

/* Registers P_REG_NONE_ES256 ("none": nothing signs clientDataJSON, so
 * any JSON can be tried) with clientDataJSON printed from fmt. */
static int __attribute__((format(printf, 2, 3)))
reg_with_json(struct err *e, const char *fmt, ...)
{
	struct webauthn_cred c;
	char json[1024];
	va_list ap;
	int n;

	unb64(&ch, P_REG_NONE_ES256.challenge);
	unb64(&att, P_REG_NONE_ES256.attestation);
	va_start(ap, fmt);
	n = vsnprintf(json, sizeof(json), fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < sizeof(json));
	memcpy(cd.b, json, (size_t)n);
	cd.n = (size_t)n;
	return do_reg(&LOCAL, &c, e);
}

#define T "\"type\":\"webauthn.create\""
#define C "\"challenge\":\"%s\""
#define O "\"origin\":\"http://localhost:5000\""

/* clientDataJSON j (a format around the challenge) passes / is refused
 * for reason r. */
#define OK(j) assert_int_equal(reg_with_json(&e, j, pchal()), 0)
#define NO(j, r) refused(reg_with_json(&e, j, pchal()), &e, r)

static void
client_data_json_is_read_strictly(void **state)
{
	struct err e;

	(void)state;
	OK("{" T "," C "," O "}");
	/* members in any order, unknown ones ignored, crossOrigin false */
	OK("{\"x\":[1,{}]," O ",\"crossOrigin\":false," C "," T ","
	    "\"tokenBinding\":{\"status\":\"supported\"}}");

	NO("{" T "," C "," O "," O "}", "webauthn_input");
	NO("{" T "," C ",\"origin\":\"http://evil:1\"," O "}",
	    "webauthn_input");
	NO("{" T "," C "," O "", "webauthn_input");
	NO("[" T "," C "," O "]", "webauthn_input");
	NO("\xef\xbb\xbf{" T "," C "," O "}", "webauthn_input");
	NO("{" T "," C "," O ",\"x\":\"\xff\"}", "webauthn_input");
	NO("{\"type\":\"webauthn.create\\u0000\"," C "," O "}",
	    "webauthn_input");
	NO("{" C "," O "}", "webauthn_type");
	NO("{\"type\":\"webauthn.get\"," C "," O "}", "webauthn_type");
	NO("{\"type\":\"webauthn.create \"," C "," O "}", "webauthn_type");
	NO("{" T ",\"challenge\":\"%s=\"," O "}", "webauthn_challenge");
	NO("{" T ",\"challenge\":\"%sAA\"," O "}", "webauthn_challenge");
	NO("{" T ",\"challenge\":[\"%s\"]," O "}", "webauthn_challenge");
	NO("{" T "," C "}", "webauthn_origin");
	NO("{" T "," C ",\"origin\":\"http://localhost:5000/\"}",
	    "webauthn_origin");
	NO("{" T "," C ",\"origin\":\"HTTP://localhost:5000\"}",
	    "webauthn_origin");
	NO("{" T "," C "," O ",\"crossOrigin\":true}",
	    "webauthn_cross_origin");
	NO("{" T "," C "," O ",\"crossOrigin\":\"false\"}",
	    "webauthn_cross_origin");
	NO("{" T "," C "," O ",\"topOrigin\":\"http://localhost:5000\"}",
	    "webauthn_cross_origin");
	NO("{" T "," C "," O ",\"tokenBinding\":"
	    "{\"status\":\"present\",\"id\":\"AA\"}}", "webauthn_input");
	NO("{" T "," C "," O ",\"tokenBinding\":1}", "webauthn_input");

	/* too long */
	unb64(&att, P_REG_NONE_ES256.attestation);
	cd.n = WEBAUTHN_CLIENT_DATA_MAX + 1;
	memset(cd.b, ' ', cd.n);
	{
		struct webauthn_cred c;

		refused(do_reg(&LOCAL, &c, &e), &e, "webauthn_input");
	}
}

static void
authdata_parse_cuts_an_assertion(void **state)
{
	struct webauthn_authdata p;
	struct err e;

	(void)state;
	unhex(&ad, V_PACKED_ES256.auth_data);
	err_init(&e);
	assert_int_equal(webauthn_authdata_parse(&p, &W3C.rp, 0, ad.b, ad.n, 0, &e),
	    0);
	assert_int_equal(p.flags, 0x0d);
	assert_int_equal(p.sign_count, 0);
	assert_null(p.cred_id);
	assert_null(p.ext);
	ad.b[33] = 0x12;
	ad.b[36] = 0x34;
	assert_int_equal(webauthn_authdata_parse(&p, &W3C.rp, 0, ad.b, ad.n, 0, &e),
	    0);
	assert_int_equal(p.sign_count, 0x12000034);
	refused(webauthn_authdata_parse(&p, &W3C.rp, 0, ad.b, ad.n, 1, &e), &e,
	    "webauthn_auth_data");
}

static void
cbor_with_huge_counts_or_indefinite_lengths_is_refused(void **state)
{
	/* libcbor 0.8 would malloc 2^31 pointers for the first one */
	static const uint8_t huge_array[] = { 0x9b, 0, 0, 0, 0, 0x80, 0, 0, 0,
		0x01 };
	static const uint8_t huge_map[] = { 0xba, 0x7f, 0xff, 0xff, 0xff };
	static const uint8_t long_bytes[] = { 0x5a, 0, 0, 0x10, 0, 1, 2 };
	static const uint8_t indefinite[] = { 0x9f, 0x01, 0xff };
	static const uint8_t reserved[] = { 0x1c };
	static const uint8_t stray_break[] = { 0xff };
	static const uint8_t ok[] = { 0xa2, 0x01, 0x82, 0x40, 0x60, 0x20, 0xc1,
		0xf9, 0x3c, 0x00, 0x07 };
	uint8_t deep[WEBAUTHN_CBOR_DEPTH + 2];
	struct webauthn_cred c;
	struct err e;
	size_t used, at, n;

	(void)state;
	assert_int_equal(webauthn_cbor_check(ok, sizeof(ok), &used), 0);
	assert_int_equal(used, sizeof(ok) - 1);
	assert_int_equal(webauthn_cbor_check(huge_array, sizeof(huge_array),
	    &used), -1);
	assert_int_equal(webauthn_cbor_check(huge_map, sizeof(huge_map),
	    &used), -1);
	assert_int_equal(webauthn_cbor_check(long_bytes, sizeof(long_bytes),
	    &used), -1);
	assert_int_equal(webauthn_cbor_check(indefinite, sizeof(indefinite),
	    &used), -1);
	assert_int_equal(webauthn_cbor_check(reserved, sizeof(reserved),
	    &used), -1);
	assert_int_equal(webauthn_cbor_check(stray_break, sizeof(stray_break),
	    &used), -1);
	assert_int_equal(webauthn_cbor_check(ok, 0, &used), -1);
	memset(deep, 0x81, sizeof(deep));
	deep[sizeof(deep) - 1] = 0x00;
	assert_int_equal(webauthn_cbor_check(deep, sizeof(deep), &used), -1);
	assert_int_equal(webauthn_cbor_check(deep + 1, sizeof(deep) - 1,
	    &used), 0);

	/* as an attestation object, and as the COSE key in authData */
	load_reg(&V_NONE_ES256);
	memcpy(att.b, huge_array, sizeof(huge_array));
	att.n = sizeof(huge_array);
	refused(do_reg(&W3C_NOUV, &c, &e), &e, "webauthn_attestation");
	memcpy(att.b, huge_map, sizeof(huge_map));
	att.n = sizeof(huge_map);
	refused(do_reg(&W3C_NOUV, &c, &e), &e, "webauthn_attestation");
	load_reg(&V_NONE_ES256);
	at = att_authdata_at(&att, &n);
	memcpy(tmp.b, att.b + at, n);
	tmp.n = 37 + 18 + 32;
	memcpy(tmp.b + tmp.n, huge_array, sizeof(huge_array));
	tmp.n += sizeof(huge_array);
	att_none(&att, tmp.b, tmp.n);
	refused(do_reg(&W3C_NOUV, &c, &e), &e, "webauthn_auth_data");
}

static void
b64url_is_strict_and_round_trips(void **state)
{
	uint8_t bin[64], all[256];
	char text[400];
	size_t n, i;

	(void)state;
	for (i = 0; i < sizeof(all); i++)
		all[i] = (uint8_t)i;
	for (i = 0; i <= sizeof(all); i += 37) {
		uint8_t back[256];

		assert_int_equal(webauthn_b64url_encode(text, sizeof(text), all,
		    i), 0);
		assert_null(strchr(text, '='));
		assert_int_equal(webauthn_b64url_decode(back, sizeof(back), &n,
		    text), 0);
		assert_int_equal(n, i);
		assert_memory_equal(back, all, i);
	}
	assert_int_equal(webauthn_b64url_encode(text, sizeof(text), all, 3),
	    0);
	assert_string_equal(text, "AAEC");
	assert_int_equal(webauthn_b64url_encode(text, sizeof(text),
	    (const uint8_t *)"\xfb\xff", 2), 0);
	assert_string_equal(text, "-_8");
	assert_int_equal(webauthn_b64url_decode(bin, sizeof(bin), &n, "-_8"),
	    0);
	assert_int_equal(n, 2);
	assert_int_equal(webauthn_b64url_decode(bin, sizeof(bin), &n, ""), 0);
	assert_int_equal(n, 0);

	assert_int_equal(webauthn_b64url_decode(bin, sizeof(bin), &n, "-_8="),
	    -1);
	assert_int_equal(webauthn_b64url_decode(bin, sizeof(bin), &n, "+/8"),
	    -1);
	assert_int_equal(webauthn_b64url_decode(bin, sizeof(bin), &n, "-_9"),
	    -1);                           /* unused bits not zero */
	assert_int_equal(webauthn_b64url_decode(bin, sizeof(bin), &n, "A"),
	    -1);
	assert_int_equal(webauthn_b64url_decode(bin, sizeof(bin), &n, "AA A"),
	    -1);
	assert_int_equal(webauthn_b64url_decode(bin, sizeof(bin), &n,
	    "AA\xc3\xa9"), -1);
	assert_int_equal(webauthn_b64url_decode(bin, 2, &n, "AAAA"), -1);
	assert_int_equal(webauthn_b64url_decode(bin, 3, &n, "AAAA"), 0);
	assert_int_equal(webauthn_b64url_encode(text, 4, all, 3), -1);
	assert_int_equal(webauthn_b64url_encode(text, 5, all, 3), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    w3c_none_es256_registers_and_its_assertion_verifies),
		cmocka_unit_test(
		    w3c_packed_self_es256_registers_with_uv_and_asserts),
		cmocka_unit_test(
		    w3c_packed_x5c_es256_registers_and_its_assertion_verifies),
		cmocka_unit_test(
		    w3c_packed_eddsa_registers_and_its_assertion_verifies),
		cmocka_unit_test(
		    w3c_credential_id_of_1023_bytes_registers_and_asserts),
		cmocka_unit_test(
		    packed_with_an_extension_the_authenticator_added_registers),
		cmocka_unit_test(
		    eddsa_with_uv_registers_and_asserts_under_custos_policy),
		cmocka_unit_test(
		    vectors_without_uv_are_refused_under_custos_policy),
		cmocka_unit_test(cross_origin_and_top_origin_are_refused),
		cmocka_unit_test(py_webauthn_none_es256_on_localhost_registers),
		cmocka_unit_test(
		    py_webauthn_es256_eddsa_rs256_assertions_verify),
		cmocka_unit_test(
		    py_webauthn_wrong_key_and_missing_uv_are_refused),
		cmocka_unit_test(
		    wrong_origin_challenge_rp_id_and_type_are_refused),
		cmocka_unit_test(missing_up_and_bs_without_be_are_refused),
		cmocka_unit_test(backup_eligibility_must_match_the_credential),
		cmocka_unit_test(bad_signatures_are_refused),
		cmocka_unit_test(truncated_and_trailing_auth_data_are_refused),
		cmocka_unit_test(attestation_object_framing_is_strict),
		cmocka_unit_test(client_data_json_is_read_strictly),
		cmocka_unit_test(authdata_parse_cuts_an_assertion),
		cmocka_unit_test(
		    cbor_with_huge_counts_or_indefinite_lengths_is_refused),
		cmocka_unit_test(b64url_is_strict_and_round_trips),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("unit.webauthn", tests, NULL, NULL);
}
