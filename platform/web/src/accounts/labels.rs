//! The words of the account pages, in Vietnamese and English (checked by the compiler like
//! [`crate::i18n::Labels`]).

use motcua_core::lang::Lang;

/// The labels of the account pages.
#[derive(Debug)]
pub struct AccountLabels {
    pub sign_in_title: &'static str,
    pub operator_sign_in_title: &'static str,
    pub username: &'static str,
    pub password: &'static str,
    pub sign_in: &'static str,
    pub code_title: &'static str,
    pub code: &'static str,
    pub code_hint: &'static str,
    pub confirm: &'static str,
    pub signed_in_as: &'static str,
    pub sign_out: &'static str,
    pub change_password_title: &'static str,
    pub current_password: &'static str,
    pub new_password: &'static str,
    pub new_password_hint: &'static str,
    pub repeat_password: &'static str,
    pub save: &'static str,
    pub must_change: &'static str,
    pub password_changed: &'static str,
    pub passwords_differ: &'static str,
    pub two_factor_title: &'static str,
    pub two_factor_intro: &'static str,
    pub two_factor_secret: &'static str,
    pub two_factor_link: &'static str,
    pub two_factor_on: &'static str,
    pub two_factor_off: &'static str,
    pub two_factor_done: &'static str,
    pub not_an_account: &'static str,
}

const VI: AccountLabels = AccountLabels {
    sign_in_title: "Đăng nhập dành cho cán bộ",
    operator_sign_in_title: "Đăng nhập quản trị vận hành nền tảng",
    username: "Tên đăng nhập",
    password: "Mật khẩu",
    sign_in: "Đăng nhập",
    code_title: "Xác thực hai bước",
    code: "Mã xác thực (6 chữ số)",
    code_hint: "Nhập mã đang hiển thị trên ứng dụng xác thực của bạn.",
    confirm: "Xác nhận",
    signed_in_as: "Bạn đang đăng nhập với tên",
    sign_out: "Đăng xuất",
    change_password_title: "Đổi mật khẩu",
    current_password: "Mật khẩu hiện tại",
    new_password: "Mật khẩu mới",
    new_password_hint: "Ít nhất 12 ký tự, khác tên đăng nhập, không phải mật khẩu phổ biến. Một câu dễ nhớ là lựa chọn tốt.",
    repeat_password: "Nhập lại mật khẩu mới",
    save: "Lưu",
    must_change: "Tài khoản của bạn đang dùng mật khẩu do quản trị viên đặt. Vui lòng đặt mật khẩu mới trước khi tiếp tục.",
    password_changed: "Đã đổi mật khẩu. Các phiên đăng nhập khác của tài khoản đã kết thúc.",
    passwords_differ: "Hai lần nhập mật khẩu mới không khớp nhau.",
    two_factor_title: "Xác thực hai bước",
    two_factor_intro: "Thêm khóa dưới đây vào ứng dụng xác thực (Google Authenticator, Microsoft Authenticator, FreeOTP...), rồi nhập mã 6 chữ số mà ứng dụng hiển thị để bật xác thực hai bước.",
    two_factor_secret: "Khóa bí mật",
    two_factor_link: "Liên kết otpauth",
    two_factor_on: "Xác thực hai bước đang bật. Xác nhận một khóa mới sẽ thay thế khóa cũ.",
    two_factor_off: "Xác thực hai bước chưa bật.",
    two_factor_done: "Đã bật xác thực hai bước. Từ lần đăng nhập sau, bạn cần nhập mã từ ứng dụng xác thực.",
    not_an_account: "Trang này dành cho tài khoản cán bộ hoặc quản trị vận hành.",
};

const EN: AccountLabels = AccountLabels {
    sign_in_title: "Officials' sign-in",
    operator_sign_in_title: "Platform operators' sign-in",
    username: "Username",
    password: "Password",
    sign_in: "Sign in",
    code_title: "Two-step verification",
    code: "Verification code (6 digits)",
    code_hint: "Enter the code shown in your authenticator app.",
    confirm: "Confirm",
    signed_in_as: "You are signed in as",
    sign_out: "Sign out",
    change_password_title: "Change password",
    current_password: "Current password",
    new_password: "New password",
    new_password_hint: "At least 12 characters, not your username, not a common password. A sentence you remember is a good choice.",
    repeat_password: "New password again",
    save: "Save",
    must_change: "Your account uses a password set by an administrator. Please choose a new password before continuing.",
    password_changed: "Your password has been changed. Your account's other sessions have ended.",
    passwords_differ: "The two new passwords do not match.",
    two_factor_title: "Two-step verification",
    two_factor_intro: "Add the key below to an authenticator app (Google Authenticator, Microsoft Authenticator, FreeOTP...), then enter the 6-digit code it shows to turn on two-step verification.",
    two_factor_secret: "Secret key",
    two_factor_link: "otpauth link",
    two_factor_on: "Two-step verification is on. Confirming a new key replaces the old one.",
    two_factor_off: "Two-step verification is off.",
    two_factor_done: "Two-step verification is on. From your next sign-in you will need a code from your authenticator app.",
    not_an_account: "This page is for officials' and operators' accounts.",
};

/// The account labels in `lang`.
pub fn account_labels(lang: Lang) -> &'static AccountLabels {
    lang.pick(&VI, &EN)
}
