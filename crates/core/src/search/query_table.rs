//! The queries people type, each with the procedure it must find in the first three results.
//!
//! The table-driven search tests check every query against a fixture of real procedures
//! (`testdata/catalog.json`) and against the portal's demo catalog; the benchmark
//! (`cargo xtask bench`) times the same queries, and every prefix of them as typed. The
//! expected ids are the fixture's.

/// (query, a procedure of the fixture expected in the top three).
pub const QUERY_TABLE: &[(&str, &str)] = &[
    // Without diacritics, with them, and in mixed case.
    ("cap doi can cuoc", "id-card-renewal"),
    ("Cấp đổi thẻ căn cước", "id-card-renewal"),
    ("CAP DOI The Can Cuoc", "id-card-renewal"),
    ("can cuoc", "id-card-renewal"),
    ("ĐĂNG KÝ KHAI SINH", "birth-registration"),
    ("dang ky thuong tru", "permanent-residence-registration"),
    ("gia han tam tru", "temporary-residence-extension"),
    ("ly lich tu phap", "judicial-record"),
    ("chung thuc ban sao", "certified-copy"),
    ("the bao hiem y te", "health-insurance-card"),
    ("tro cap that nghiep", "unemployment-benefit"),
    ("giay phep lao dong", "work-permit-foreigner"),
    ("an toan thuc pham", "food-safety-certificate"),
    ("giay phep xay dung", "construction-permit"),
    ("trinh bao mat ho chieu", "passport-loss-report"),
    ("xác nhận cư trú", "residence-confirmation"),
    ("tạm vắng", "absence-declaration"),
    ("khai tu", "death-registration"),
    ("giam ho", "guardianship-registration"),
    ("tuyen sinh lop 1", "first-grade-enrolment"),
    // đ and Đ typed as d.
    ("dang ky ket hon", "marriage-registration"),
    ("đăng ký kết hôn", "marriage-registration"),
    ("doi giay phep lai xe", "driving-licence-renewal"),
    ("đổi bằng lái", "driving-licence-renewal"),
    ("dang ky ho kinh doanh", "household-business-registration"),
    // The i/y spelling variants of Vietnamese.
    ("dang ki khai sinh", "birth-registration"),
    ("lí lịch tư pháp", "judicial-record"),
    // Partial words, as typed.
    ("ho chi", "passport-issue"),
    ("dang ky kh", "birth-registration"),
    ("giay phep xay d", "construction-permit"),
    ("cap doi can c", "id-card-renewal"),
    // English.
    ("passport", "passport-issue"),
    ("birth certificate", "birth-registration"),
    ("Birth Registration", "birth-registration"),
    ("marriage", "marriage-registration"),
    ("temporary residence", "temporary-residence-registration"),
    ("household business", "household-business-registration"),
    ("building permit", "construction-permit"),
    ("land use certificate", "land-use-certificate-first"),
    ("driving licence", "driving-licence-renewal"),
    ("driver's license", "driving-licence-renewal"),
    ("criminal record", "judicial-record"),
    ("ID card", "id-card-renewal"),
    ("visa", "visa-extension"),
    // Indonesian.
    ("paspor", "passport-issue"),
    ("akta kelahiran", "birth-registration"),
    ("pencatatan kelahiran", "birth-registration"),
    ("KTP", "id-card-renewal"),
    ("akta nikah", "marriage-registration"),
    ("akta kematian", "death-registration"),
    ("sertifikat tanah", "land-use-certificate-first"),
    ("izin mendirikan bangunan", "construction-permit"),
    ("kartu keluarga", "permanent-residence-registration"),
    ("SKCK", "judicial-record"),
    ("BPJS", "health-insurance-card"),
    // Abbreviations and everyday names.
    ("CCCD", "id-card-renewal"),
    ("cap lai cccd", "id-card-replacement"),
    ("CMND", "id-card-issuance"),
    ("doi cmnd sang can cuoc", "id-card-issuance"),
    ("GPLX", "driving-licence-renewal"),
    ("LLTP", "judicial-record"),
    ("BHYT", "health-insurance-card"),
    ("sổ đỏ", "land-use-certificate-first"),
    ("so do", "land-use-certificate-first"),
    ("công chứng", "certified-copy"),
    ("xin phép xây nhà", "construction-permit"),
    ("dang ky xe may", "motorcycle-registration"),
    ("xac nhan doc than", "marital-status-certificate"),
    ("vao lop 1", "first-grade-enrolment"),
    // Old names.
    ("hộ khẩu", "permanent-residence-registration"),
    ("so ho khau", "permanent-residence-registration"),
    // One typo.
    ("pasport", "passport-issue"),
    ("passprot", "passport-issue"),
    ("khai sinhh", "birth-registration"),
    ("chung thucc ban sao", "certified-copy"),
    ("giay phep lai xee", "driving-licence-renewal"),
    ("marriege", "marriage-registration"),
    // FTS5 syntax typed by accident.
    ("\"hộ chiếu\"", "passport-issue"),
    ("passport:", "passport-issue"),
    ("(ho chieu) AND", "passport-issue"),
    ("ho-chieu*", "passport-issue"),
];
